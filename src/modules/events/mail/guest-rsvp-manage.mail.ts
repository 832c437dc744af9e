import { defineMail } from '../../../common/mail/mail-template';
import { DETAILS_HTML, DETAILS_TEXT, EventDetails } from './event-details';

/** rsvpAsGuest for an address that already has a place: what it is, and the link that manages it. */
export const guestRsvpManageMail = defineMail<{ name: string; event: EventDetails; status: string; link: string }>({
  name: 'guest-rsvp-manage',
  subject: (d) => `You already have a place: ${d.event.title}`,
  text: `Hello <%= it.name %>,

Someone asked for a place with this address at:

${DETAILS_TEXT}
This address already has one (<%= it.status %>), so nothing has changed. To cancel it, use this link:

<%= it.link %>`,
  html: `<p>Hello <%= it.name %>,</p>
<p>Someone asked for a place with this address at:</p>
${DETAILS_HTML}
<p>This address already has one (<%= it.status %>), so nothing has changed.</p>
<p><a href="<%= it.link %>">Manage my place</a></p>`,
});
