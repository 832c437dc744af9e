import { defineMail } from '../../../common/mail/mail-template';

/**
 * A signature awaiting confirmation: the link that makes it count. `reminder` when the address had
 * already signed without confirming (the same link kind, a fresh token; earlier links keep working).
 */
export const confirmSignatureMail = defineMail<{ fullName: string; petitionTitle: string; link: string; reminder: boolean }>({
  name: 'confirm-signature',
  subject: (d) => (d.reminder ? `Reminder: confirm your signature on "${d.petitionTitle}"` : `Confirm your signature on "${d.petitionTitle}"`),
  text: `Hello <%= it.fullName %>,

<% if (it.reminder) { %>Someone (probably you) signed "<%= it.petitionTitle %>" again with this address, but the signature is not confirmed yet.<% } else { %>Thank you for signing "<%= it.petitionTitle %>".<% } %>

Your signature counts only once you confirm it by opening this link (valid until a day after the petition closes):

<%= it.link %>

If you did not sign, ignore this email: nothing is counted or kept in your name.`,
  html: `<p>Hello <%= it.fullName %>,</p>
<% if (it.reminder) { %><p>Someone (probably you) signed “<%= it.petitionTitle %>” again with this address, but the signature is not confirmed yet.</p><% } else { %><p>Thank you for signing “<%= it.petitionTitle %>”.</p><% } %>
<p>Your signature counts only once you confirm it (the link is valid until a day after the petition closes):</p>
<p><a href="<%= it.link %>">Confirm my signature</a></p>
<p>If you did not sign, ignore this email: nothing is counted or kept in your name.</p>`,
});
