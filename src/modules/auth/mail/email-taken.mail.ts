import { defineMail } from '../../../common/mail/mail-template';

/** Someone asked to move their account to an address that already has one: its owner is told, nothing changes. */
export const emailTakenMail = defineMail<Record<string, never>>({
  name: 'email-taken',
  subject: () => 'Someone tried to use your email address on Marea',
  text: `Someone asked to change the email address of another Marea account to this address, which already has an account.
Nothing has changed, and nothing will unless you act. If you have forgotten your password, ask for a new one on the sign-in page.`,
  html: `<p>Someone asked to change the email address of another Marea account to this address, which already has an account.</p>
<p>Nothing has changed, and nothing will unless you act. If you have forgotten your password, ask for a new one on the sign-in page.</p>`,
});
