/**
 * Every kind of emailed link (DESIGN.md): the path segment of its page, PUBLIC_URL/l/<kind>/<token>,
 * and the kind its token is bound to. Adding a kind: add it here, then register a LinkPage for it.
 */
export const LINK_KINDS = [
  'verify-email',
  'reset-password',
  'change-email',
  'invitation',
  'admin-invitation',
  'signature',
  'rsvp',
  'erase',
  'unsubscribe',
] as const;

export type LinkKind = (typeof LINK_KINDS)[number];

export function isLinkKind(value: string): value is LinkKind {
  return (LINK_KINDS as readonly string[]).includes(value);
}
