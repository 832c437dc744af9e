import { registerDecorator, ValidationArguments } from 'class-validator';

/**
 * An ISBN-10 (last character may be X) or ISBN-13, with or without hyphens or spaces, as ISBN-13
 * digits; null when the format or the check digit is wrong.
 */
export function toIsbn13(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{9}[\dX]$/.test(compact)) {
    const sum = [...compact].reduce((total, c, i) => total + (c === 'X' ? 10 : Number(c)) * (10 - i), 0);
    if (sum % 11 !== 0) return null;
    const body = `978${compact.slice(0, 9)}`;
    return body + isbn13CheckDigit(body);
  }
  if (/^97[89]\d{10}$/.test(compact)) {
    return isbn13CheckDigit(compact.slice(0, 12)) === compact[12] ? compact : null;
  }
  return null;
}

function isbn13CheckDigit(first12: string): string {
  const sum = [...first12].reduce((total, c, i) => total + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
  return String((10 - (sum % 10)) % 10);
}

/** An ISBN-10 or ISBN-13 whose check digit is right. */
export function IsIsbn(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIsbn',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => `${String(args.value)} is not a valid ISBN-10 or ISBN-13` },
      validator: { validate: (value: unknown) => typeof value === 'string' && toIsbn13(value) !== null },
    });
}
