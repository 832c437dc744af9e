import { ValidationError, ValidationPipe } from '@nestjs/common';
import { BadInputError } from '../errors/domain-error';

/** Flattens class-validator errors into `{ "location.latitude": "message" }`. */
export function fieldsOf(errors: ValidationError[], prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const message = Object.values(error.constraints ?? {})[0];
    if (message) fields[path] = message;
    Object.assign(fields, fieldsOf(error.children ?? [], path));
  }
  return fields;
}

/** Validates every argument and input class; failures become BAD_USER_INPUT with `extensions.fields`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadInputError(fieldsOf(errors)),
  });
}
