import { defineMail } from '../../../common/mail/mail-template';

/** Someone registered with an address that already has an account: tell its owner, offer a reset. */
export const accountExistsMail = defineMail<{ displayName: string; link: string }>({
  name: 'account-exists',
  subject: () => 'You already have a Marea account',
  text: `Hello <%= it.displayName %>,

Someone (perhaps you) tried to create a Marea account with this email address, which already has one.
Nothing has changed. If you have forgotten your password, choose a new one here (valid for 1 hour):

<%= it.link %>`,
  html: `<p>Hello <%= it.displayName %>,</p>
<p>Someone (perhaps you) tried to create a Marea account with this email address, which already has one. Nothing has changed.</p>
<p>If you have forgotten your password, <a href="<%= it.link %>">choose a new one</a> (the link is valid for 1 hour).</p>`,
});
