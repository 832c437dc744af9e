import { defineMail } from '../../../common/mail/mail-template';

/** A new address (or an unverified account's owner signing in): the link that verifies it. */
export const verifyEmailMail = defineMail<{ displayName: string; link: string }>({
  name: 'verify-email',
  subject: () => 'Confirm your email address for Marea',
  text: `Hello <%= it.displayName %>,

Please confirm this is your email address by opening this link (valid for 24 hours):

<%= it.link %>

Until you do, nobody can sign in to the account.`,
  html: `<p>Hello <%= it.displayName %>,</p>
<p>Please confirm this is your email address (the link is valid for 24 hours):</p>
<p><a href="<%= it.link %>">Confirm my email address</a></p>
<p>Until you do, nobody can sign in to the account.</p>`,
});
