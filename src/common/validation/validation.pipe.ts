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

class InputValidationPipe extends ValidationPipe {
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
