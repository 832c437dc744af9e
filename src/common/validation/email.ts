import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';

/** DESIGN.md: emails are trimmed and lowercased, nothing provider-specific. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** An email address, normalised before it is validated. */
export function NormalisedEmail() {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? normaliseEmail(value) : value)),
    IsString(),
    MaxLength(254, { message: 'must be at most 254 characters' }),
    IsEmail({}, { message: 'must be an email address' }),
  );
}
