import { defineMail } from '../../../common/mail/mail-template';
import { DETAILS_HTML, DETAILS_TEXT, EventDetails } from './event-details';

/** A new place (member RSVP or confirmed guest RSVP): going, or where on the waitlist. */
export const rsvpConfirmationMail = defineMail<{ name: string; event: EventDetails; status: string; link: string | null }>({
  name: 'rsvp-confirmation',
  subject: (d) => `${d.status === 'going' ? 'You are going' : 'You are on the waitlist'}: ${d.event.title}`,
  text: `Hello <%= it.name %>,

<% if (it.status === 'going') { %>Your place is confirmed:<% } else { %>The event is full; you are on the waitlist (<%= it.status %>) and we will write when a place frees up:<% } %>

${DETAILS_TEXT}<% if (it.link) { %>
To cancel, use this link: <%= it.link %>
<% } %>`,
  html: `<p>Hello <%= it.name %>,</p>
<p><% if (it.status === 'going') { %>Your place is confirmed:<% } else { %>The event is full; you are on the waitlist (<%= it.status %>) and we will write when a place frees up:<% } %></p>
${DETAILS_HTML}
<% if (it.link) { %><p><a href="<%= it.link %>">Manage my place</a></p><% } %>`,
});
