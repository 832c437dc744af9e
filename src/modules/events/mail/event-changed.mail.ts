import { defineMail } from '../../../common/mail/mail-template';
import { DETAILS_HTML, DETAILS_TEXT, EventDetails } from './event-details';

/** The organisers changed the time or place; to people GOING and WAITLISTED. Carries List-Unsubscribe. */
export const eventChangedMail = defineMail<{ name: string; event: EventDetails; link: string | null; unsubscribe: string }>({
  name: 'event-changed',
  subject: (d) => `Changed: ${d.event.title}`,
  text: `Hello <%= it.name %>,

The organisers changed the time or place of an event you signed up for. It is now:

${DETAILS_TEXT}<% if (it.link) { %>
If you can no longer come, please cancel: <%= it.link %>
<% } %>
No more event reminders or updates: <%= it.unsubscribe %>`,
  html: `<p>Hello <%= it.name %>,</p>
<p>The organisers changed the time or place of an event you signed up for. It is now:</p>
${DETAILS_HTML}
<% if (it.link) { %><p>If you can no longer come, please <a href="<%= it.link %>">cancel</a>.</p><% } %>
<p style="font-size:13px"><a href="<%= it.unsubscribe %>">No more event reminders or updates</a></p>`,
});
