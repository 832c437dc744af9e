import { defineMail } from '../../../common/mail/mail-template';

/** Someone signed again with an address whose signature is confirmed: nothing changed, and we say so. */
export const alreadySignedMail = defineMail<{ petitionTitle: string }>({
  name: 'already-signed',
  subject: (d) => `You have already signed "${d.petitionTitle}"`,
  text: `Hello,

Someone (probably you) signed "<%= it.petitionTitle %>" again with this address. Your signature was already confirmed and counted, and it stays exactly as you confirmed it.

There is nothing more to do.`,
  html: `<p>Hello,</p>
<p>Someone (probably you) signed “<%= it.petitionTitle %>” again with this address. Your signature was already confirmed and counted, and it stays exactly as you confirmed it.</p>
<p>There is nothing more to do.</p>`,
});
