import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { renderMail, defineMail } from '../src/common/mail/mail-template';
import { MailService, message } from '../src/common/mail/mail.service';
import { ok } from './support/expectations';
import { PASSWORD } from './support/factories';
import { jobsSettled } from './support/jobs';
import { Mailbox } from './support/mailbox';
import { startTestApp } from './support/test-app';

const note = defineMail<{ who: string }>({
  name: 'test-note',
  subject: ({ who }) => `A note for ${who}`,
  text: `Hello <%= it.who %>.`,
  html: `<p>Hello <%= it.who %>.</p>`,
});

describe('mail', () => {
  it('renders a text part as written and an HTML part escaped, with the organisation in the footer', () => {
    const rendered = renderMail(note, { who: 'Ana & <Bea>' }, 'Friends & Allies');
    expect(rendered.subject).toBe('A note for Ana & <Bea>');
    expect(rendered.text).toContain('Hello Ana & <Bea>.');
    expect(rendered.text).toContain('Sent for Friends & Allies by Marea.');
    expect(rendered.html).toContain('<p>Hello Ana &amp; &lt;Bea&gt;.</p>');
    expect(rendered.html).toContain('Sent for Friends &amp; Allies by Marea.');
    expect(rendered.html).toMatch(/<html lang="en">/);
    expect(renderMail(note, { who: 'Ana' }, null).text).toContain('Sent by Marea.');
  });

  it('names the organisation in From’s display name when the mail is about one', async () => {
    const mailbox = await Mailbox.start();
    const t = await startTestApp({ MAIL_FROM: 'Marea <hello@marea.example>' }, { mailbox });
    try {
      const to = `org-${randomBytes(4).toString('hex')}@example.org`;
      await t.app.get(MailService).send(`test:${to}`, to, async () => message(note, { who: 'Ana' }, { organisationName: 'Friends of Bolivia' }));
      const mail = await mailbox.next(to);
      expect(mail.from).toEqual({ name: 'Friends of Bolivia (via Marea)', address: 'hello@marea.example' });
      expect(mail.text).toContain('Sent for Friends of Bolivia by Marea.');
      const plain = `plain-${randomBytes(4).toString('hex')}@example.org`;
      await t.app.get(MailService).send(`test:${plain}`, plain, async () => message(note, { who: 'Ana' }));
      expect((await mailbox.next(plain)).from).toEqual({ name: 'Marea', address: 'hello@marea.example' });
    } finally {
      await t.close();
      await mailbox.close();
    }
  });

  it('without SMTP_URL outside production writes each message as an .eml file under DATA_DIR/mail', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'marea-mail-'));
    const t = await startTestApp({ JOBS_ENABLED: 'true', DATA_DIR: dataDir });
    try {
      const email = `file-${randomBytes(4).toString('hex')}@example.org`;
      ok(await t.gql(`mutation($input: RegisterInput!) { register(input: $input) }`, { input: { email, password: PASSWORD, displayName: 'File Person' } }));
      await jobsSettled(t);
      const files = readdirSync(join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const parsed = await simpleParser(readFileSync(join(dataDir, 'mail', files[0])));
      expect(parsed.subject).toBe('Confirm your email address for Marea');
      expect(parsed.text).toContain('/l/verify-email/');
      expect(typeof parsed.html).toBe('string');
    } finally {
      await t.close();
    }
  });
});
