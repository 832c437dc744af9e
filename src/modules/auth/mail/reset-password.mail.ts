import { defineMail } from '../../../common/mail/mail-template';

export const resetPasswordMail = defineMail<{ displayName: string; link: string }>({
  name: 'reset-password',
  subject: () => 'Choose a new Marea password',
  text: `Hello <%= it.displayName %>,

Choose a new password for your Marea account here (valid for 1 hour, once):

<%= it.link %>

Choosing one signs you out everywhere else. If you did not ask for this, ignore this email: your password stays as it is.`,
  html: `<p>Hello <%= it.displayName %>,</p>
<p><a href="<%= it.link %>">Choose a new password</a> for your Marea account (valid for 1 hour, once).</p>
<p>Choosing one signs you out everywhere else. If you did not ask for this, ignore this email: your password stays as it is.</p>`,
});
