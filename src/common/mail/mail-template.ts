import { Eta } from 'eta';

/**
 * One kind of email: its subject and its plain-text and HTML bodies as Eta templates over `it`
 * (the data below plus `organisationName`). Declared in one file per kind, in its feature
 * (`auth/mail/verify-email.mail.ts`).
 */
export interface MailTemplate<D extends object> {
  readonly name: string;
  subject(data: D): string;
  readonly text: string;
  readonly html: string;
}

export function defineMail<D extends object>(template: MailTemplate<D>): MailTemplate<D> {
  return template;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Shared HTML frame of every email: one column, the footer naming who it is from. */
const HTML_LAYOUT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title><%= it.subject %></title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:system-ui,-apple-system,sans-serif;color:#1d1d1b;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:6px">
<%~ it.body %>
</div>
<p style="max-width:560px;margin:16px auto 0;font-size:13px;color:#5f5f5a"><% if (it.organisationName) { %>Sent for <%= it.organisationName %> by Marea.<% } else { %>Sent by Marea.<% } %> If you did not expect this email, you can ignore it.</p>
</body>
</html>`;

const TEXT_FOOTER = `\n\n--\n<% if (it.organisationName) { %>Sent for <%= it.organisationName %> by Marea.<% } else { %>Sent by Marea.<% } %> If you did not expect this email, you can ignore it.\n`;

/**
 * Two engines: HTML escapes every interpolation (autoEscape); plain text must not, or a name like
 * "Friends & Allies" would read "Friends &amp; Allies" — nothing in a text part is interpreted.
 */
const html = new Eta({ autoEscape: true, autoTrim: false });
const text = new Eta({ autoEscape: false, autoTrim: false });
html.loadTemplate('@mail-layout', HTML_LAYOUT);

export function renderMail<D extends object>(template: MailTemplate<D>, data: D, organisationName: string | null): RenderedMail {
  const it = { ...data, organisationName };
  const subject = template.subject(data);
  const body = html.renderString(template.html, it);
  return {
    subject,
    text: text.renderString(template.text + TEXT_FOOTER, it),
    html: html.renderString(`<% layout('@mail-layout') %><%~ it.body %>`, { body, subject, organisationName }),
  };
}
