export const API_SCOPES = [
  'EVENTS_READ',
  'EVENTS_WRITE',
  'ATTENDEES_READ',
  'PETITIONS_READ',
  'PETITIONS_WRITE',
  'SIGNATURES_READ',
  'SIGNATURES_WRITE',
  'READING_LISTS_READ',
  'READING_LISTS_WRITE',
  'MEMBERS_READ',
  'SUPPORTERS_READ',
  'SUPPORTERS_WRITE',
  'WEBHOOKS_WRITE',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Who is making the request, decided once per request from the Authorization header. */
export type Actor =
  { kind: 'anonymous' } | { kind: 'user'; userId: string } | { kind: 'apiKey'; apiKeyId: string; organisationId: string; scopes: ReadonlySet<ApiScope> };

export const ANONYMOUS: Actor = { kind: 'anonymous' };
