import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { Args, ID } from '@nestjs/graphql';
import { BadInputError } from '../errors/domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Ids are UUIDs: anything else is BAD_USER_INPUT naming the argument. */
@Injectable()
export class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (!isUuid(value)) throw new BadInputError({ [metadata.data ?? 'id']: 'must be an id' });
    return value.toLowerCase();
  }
}

/** A required `ID!` argument holding a UUID. */
export const IdArg = (name: string) => Args(name, { type: () => ID }, UuidPipe);
