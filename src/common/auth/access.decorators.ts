import { SetMetadata } from '@nestjs/common';
import type { ApiScope } from './actor';

export const ACCESS_METADATA = 'marea:access';
export const PERSONAL_DATA_METADATA = 'marea:personal-data';

/** Who may reach an operation or field; the global guard denies anything without one. */
export interface AccessRule {
  public: boolean;
  anonymous: boolean;
  users: boolean;
  scopes: ApiScope[];
}

/** Open to anyone, signed in or not, and to every API key; row checks still apply inside. */
export const Public = () => SetMetadata(ACCESS_METADATA, { public: true, anonymous: true, users: true, scopes: [] } satisfies AccessRule);

/**
 * Anonymous callers (`'ANONYMOUS'`), signed-in users (`'USER'`) and/or API keys holding one of the
 * given scopes. Anyone else gets UNAUTHENTICATED (anonymous) or FORBIDDEN; the service then checks the rows.
 */
export const Allow = (...who: Array<'ANONYMOUS' | 'USER' | ApiScope>) =>
  SetMetadata(ACCESS_METADATA, {
    public: false,
    anonymous: who.includes('ANONYMOUS'),
    users: who.includes('USER'),
    scopes: who.filter((w): w is ApiScope => w !== 'USER' && w !== 'ANONYMOUS'),
  } satisfies AccessRule);

/** Marks a field holding personal data; its resolver checks the row and answers null (or FORBIDDEN) otherwise. */
export const PersonalData = (rule: string) => SetMetadata(PERSONAL_DATA_METADATA, rule);
