import { defineMail } from '../../../common/mail/mail-template';
import { DETAILS_HTML, DETAILS_TEXT, EventDetails } from './event-details';

/** rsvpAsGuest for an address with no place yet: the link that confirms it. */
export const guestRsvpConfirmMail = defineMail<{ name: string; event: EventDetails; link: string }>({
  name: 'guest-rsvp-confirm',
  subject: (d) => `Confirm your place: ${d.event.title}`,
  text: `Hello <%= it.name %>,

Someone (we hope you) asked for a place at:

${DETAILS_TEXT}
Your place counts only once you confirm it with this link, which also lets you cancel later:

<%= it.link %>

If you did not ask for this, ignore this email and nothing happens.`,
  html: `<p>Hello <%= it.name %>,</p>
<p>Someone (we hope you) asked for a place at:</p>
${DETAILS_HTML}
<p>Your place counts only once you confirm it. The same link lets you cancel later.</p>
<p><a href="<%= it.link %>">Confirm my place</a></p>
<p>If you did not ask for this, ignore this email and nothing happens.</p>`,
});
