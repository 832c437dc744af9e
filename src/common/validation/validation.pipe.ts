import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadInputError } from '../errors/domain-error';

/** Flattens class-validator errors into `{ "location.latitude": "message" }`. */
export function fieldsOf(errors: ValidationError[], prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors) {
    // DESIGN.md names a field by its path inside the input, also when the input sits beside other arguments.
    if (!prefix && error.property === 'input' && error.children?.length) {
      Object.assign(fields, fieldsOf(error.children));
      continue;
    }
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const message = Object.values(error.constraints ?? {})[0];
    if (message) fields[path] = message;
    Object.assign(fields, fieldsOf(error.children ?? [], path));
  }
  return fields;
}

/** GraphQL arguments, HTTP bodies, queries and route params; never a resolver's parent object or context. */
const GRAPHQL_ARGS = 3; // @nestjs/graphql's GqlParamtype.ARGS (not exported)
const VALIDATED = new Set<unknown>([GRAPHQL_ARGS, 'body', 'query', 'param']);

/** Dates a person can mean; JavaScript accepts ±275,760 years, PostgreSQL refuses those before 4713 BC. */
const DATE_RANGE = { min: new Date('0001-01-01T00:00:00.000Z').getTime(), max: new Date('9999-12-31T23:59:59.999Z').getTime() };

/** `{ "input.closesAt": "…" }` for every Date in `value` (at any depth) outside DATE_RANGE. */
export function outOfRangeDates(value: unknown, path: string, fields: Record<string, string> = {}, seen = new Set<unknown>()): Record<string, string> {
  if (value instanceof Date) {
    const time = value.getTime();
    if (!Number.isNaN(time) && (time < DATE_RANGE.min || time > DATE_RANGE.max)) fields[path || 'input'] = 'must be a date between the years 1 and 9999';
  } else if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const [key, item] of Object.entries(value)) outOfRangeDates(item, path ? `${path}.${key}` : key, fields, seen);
  }
  return fields;
}

class InputValidationPipe extends ValidationPipe {
  /** Class-validator checks each input class; dates out of any sensible range are refused in every argument, classes or not. */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const result: unknown = await super.transform(value, metadata);
    if (VALIDATED.has(metadata.type)) {
      const fields = outOfRangeDates(result, metadata.data === 'input' ? '' : (metadata.data ?? ''));
      if (Object.keys(fields).length > 0) throw new BadInputError(fields);
    }
    return result;
  }

  // Without this, every field resolver's parent object would be copied by class-transformer and validated.
  protected toValidate(metadata: ArgumentMetadata): boolean {
    return VALIDATED.has(metadata.type) && super.toValidate(metadata);
  }
}

/** Validates every argument and input class; failures become BAD_USER_INPUT with `extensions.fields`. */
export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadInputError(fieldsOf(errors)),
  });
}
