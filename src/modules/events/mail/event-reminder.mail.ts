import { defineMail } from '../../../common/mail/mail-template';
import { DETAILS_HTML, DETAILS_TEXT, EventDetails } from './event-details';

/** 24 hours and 1 hour before the start, to people GOING. Carries List-Unsubscribe. */
export const eventReminderMail = defineMail<{ name: string; event: EventDetails; soon: string; link: string | null; unsubscribe: string }>({
  name: 'event-reminder',
  subject: (d) => `Reminder: ${d.event.title} starts ${d.soon}`,
  text: `Hello <%= it.name %>,

A reminder that you are going to this, starting <%= it.soon %>:

${DETAILS_TEXT}<% if (it.link) { %>
If you can no longer come, please cancel so someone else can: <%= it.link %>
<% } %>
No more event reminders or updates: <%= it.unsubscribe %>`,
  html: `<p>Hello <%= it.name %>,</p>
<p>A reminder that you are going to this, starting <%= it.soon %>:</p>
${DETAILS_HTML}
<% if (it.link) { %><p>If you can no longer come, please <a href="<%= it.link %>">cancel</a> so someone else can.</p><% } %>
<p style="font-size:13px"><a href="<%= it.unsubscribe %>">No more event reminders or updates</a></p>`,
});
