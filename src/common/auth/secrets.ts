import { createHash, randomBytes } from 'node:crypto';

/** A URL-safe random secret with a recognisable prefix. */
export function randomSecret(prefix = '', bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** Tokens and keys are long random values, so SHA-256 is enough to store them safely (passwords use argon2id). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
