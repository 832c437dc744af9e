import type { LinkKind } from './link-kind';

/** A form field of a link page; every field has a visible label. */
export interface PageField {
  name: string;
  label: string;
  type: 'password' | 'text';
  autocomplete?: string;
  /** Shown under the label, e.g. "At least 10 characters." */
  hint?: string;
  minLength?: number;
}

/**
 * What a link page shows: a heading, paragraphs, and at most one form with one button that POSTs
 * back to the same address. Escaped by the template, so any text may come from users.
 */
export interface PageView {
  title: string;
  paragraphs: string[];
  form?: {
    fields?: PageField[];
    button: string;
    /** Sent back unchanged with the POST (e.g. which of a page's actions the button is). */ hidden?: Record<string, string>;
  };
  /** A message about the last POST (e.g. "wrong password"), shown above the form. */
  error?: string;
  status?: number;
}

/**
 * The page of one link kind, registered by its feature (`auth/pages/verify-email.page.ts`).
 * `show` answers GET and must change nothing (mail scanners follow links); `act` answers the POST.
 */
export interface LinkPage {
  kind: LinkKind;
  show(token: string): Promise<PageView>;
  act(token: string, form: Record<string, string>): Promise<PageView>;
}

/** The answer to any token that is unknown, spent or expired: one page, whatever the reason. */
export function expiredLinkView(): PageView {
  return {
    title: 'This link has expired',
    paragraphs: ['This link is no longer valid: it has been used already or it has expired. Ask for a new one where you started.'],
    status: 410,
  };
}
