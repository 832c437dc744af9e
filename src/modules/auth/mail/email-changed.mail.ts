import { defineMail } from '../../../common/mail/mail-template';

/** Sent to the old address once a change is confirmed. */
export const emailChangedMail = defineMail<{ displayName: string }>({
  name: 'email-changed',
  subject: () => 'Your Marea email address was changed',
  text: `Hello <%= it.displayName %>,

The email address of your Marea account was changed, and this address is no longer used for it.
If you did not do this, reply to your organisers or ask for a password reset with your new address.`,
  html: `<p>Hello <%= it.displayName %>,</p>
<p>The email address of your Marea account was changed, and this address is no longer used for it.</p>
<p>If you did not do this, reply to your organisers or ask for a password reset with your new address.</p>`,
});
