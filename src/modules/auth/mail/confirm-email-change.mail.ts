import { defineMail } from '../../../common/mail/mail-template';

/** Sent to the new address: following the link makes it the account's address. */
export const confirmEmailChangeMail = defineMail<{ displayName: string; link: string }>({
  name: 'confirm-email-change',
  subject: () => 'Confirm your new email address for Marea',
  text: `Hello <%= it.displayName %>,

You asked to use this address for your Marea account. Confirm it here (valid for 24 hours):

<%= it.link %>

If you did not ask for this, ignore this email: nothing changes.`,
  html: `<p>Hello <%= it.displayName %>,</p>
<p>You asked to use this address for your Marea account. <a href="<%= it.link %>">Confirm it</a> (valid for 24 hours).</p>
<p>If you did not ask for this, ignore this email: nothing changes.</p>`,
});
