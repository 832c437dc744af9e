import { applyDecorators } from '@nestjs/common';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/** Any control character but tab-free newlines (\n, \r) is refused in long texts; in short ones none at all. */
const NO_CONTROL_SINGLE_LINE = /^[^\u0000-\u001f\u007f]*$/;
const NO_CONTROL_MULTI_LINE = /^[^\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]*$/;

/** Whether `text` is one line without control characters (a name), as Text() requires. */
export function isSingleLineText(text: string): boolean {
  return NO_CONTROL_SINGLE_LINE.test(text);
}

export const NAME_MAX = 200;
export const LONG_TEXT_MAX = 20_000;

/** A required one-line text of `min`–`max` characters (names, titles). */
export function Text(max = NAME_MAX, min = 1) {
  return applyDecorators(
    IsString(),
    Length(min, max, { message: `must be ${min}–${max} characters` }),
    Matches(NO_CONTROL_SINGLE_LINE, { message: 'must not contain control characters' }),
  );
}

/** An optional one-line text; null clears it. */
export function OptionalText(max = NAME_MAX) {
  return applyDecorators(IsOptional(), Text(max, 0));
}

/** A required multi-line text (petition bodies): newlines allowed, other control characters not. */
export function LongText(max = LONG_TEXT_MAX, min = 1) {
  return applyDecorators(
    IsString(),
    Length(min, max, { message: min > 0 ? `must be ${min}–${max} characters` : `must be at most ${max} characters` }),
    Matches(NO_CONTROL_MULTI_LINE, { message: 'must not contain control characters other than newlines' }),
  );
}

/** An optional multi-line text (descriptions, notes, comments); null clears it. */
export function OptionalLongText(max = LONG_TEXT_MAX) {
  return applyDecorators(IsOptional(), LongText(max, 0));
}

/** Each entry of a list of one-line texts (authors, questions), 1–`max` characters. */
export function TextEach(max = NAME_MAX) {
  return applyDecorators(
    IsString({ each: true, message: 'each entry must be text' }),
    Length(1, max, { each: true, message: `each entry must be 1–${max} characters` }),
    Matches(NO_CONTROL_SINGLE_LINE, { each: true, message: 'entries must not contain control characters' }),
  );
}
