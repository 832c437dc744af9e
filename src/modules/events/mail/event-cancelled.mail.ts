import { defineMail } from '../../../common/mail/mail-template';
import { DETAILS_HTML, DETAILS_TEXT, EventDetails } from './event-details';

/** The organisers cancelled the event; to people GOING and WAITLISTED. Carries List-Unsubscribe. */
export const eventCancelledMail = defineMail<{ name: string; event: EventDetails; reason: string | null; unsubscribe: string }>({
  name: 'event-cancelled',
  subject: (d) => `Cancelled: ${d.event.title}`,
  text: `Hello <%= it.name %>,

The organisers have cancelled an event you signed up for:

${DETAILS_TEXT}<% if (it.reason) { %>
Their reason: <%= it.reason %>
<% } %>
No more event reminders or updates: <%= it.unsubscribe %>`,
  html: `<p>Hello <%= it.name %>,</p>
<p>The organisers have cancelled an event you signed up for:</p>
${DETAILS_HTML}
<% if (it.reason) { %><p>Their reason: <%= it.reason %></p><% } %>
<p style="font-size:13px"><a href="<%= it.unsubscribe %>">No more event reminders or updates</a></p>`,
});
