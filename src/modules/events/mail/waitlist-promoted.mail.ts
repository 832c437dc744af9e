import { defineMail } from '../../../common/mail/mail-template';
import { DETAILS_HTML, DETAILS_TEXT, EventDetails } from './event-details';

/** A place freed up and went to this person from the waitlist. */
export const waitlistPromotedMail = defineMail<{ name: string; event: EventDetails; link: string | null }>({
  name: 'waitlist-promoted',
  subject: (d) => `A place freed up — you are going: ${d.event.title}`,
  text: `Hello <%= it.name %>,

A place freed up and it is yours: you are now going to

${DETAILS_TEXT}<% if (it.link) { %>
If you can no longer come, please cancel so the next person gets it: <%= it.link %>
<% } %>`,
  html: `<p>Hello <%= it.name %>,</p>
<p>A place freed up and it is yours: you are now going to</p>
${DETAILS_HTML}
<% if (it.link) { %><p>If you can no longer come, please <a href="<%= it.link %>">cancel</a> so the next person gets it.</p><% } %>`,
});
