import type { Actor } from './actor';

/**
 * This app's check of a bearer credential (`Bearer <access token | API key>`), provided by the auth
 * module. Each app holds its own instance: passport's strategy registry is global to the process, so
 * with two apps in one process (tests, benchmarks) one app's tokens were checked against the other's
 * database — and against a closed one once that app stopped.
 */
export abstract class BearerAuthenticator {
  /** The actor; rejects with a DomainError for bad credentials, with any other error when they could not be checked. */
  abstract authenticate(authorization: string): Promise<Actor>;
}
