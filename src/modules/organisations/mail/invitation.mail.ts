import { defineMail } from '../../../common/mail/mail-template';

/** A chapter invitation, to the invited address. */
export const invitationMail = defineMail<{ chapterName: string; organisationName: string; inviterName: string | null; role: string; link: string }>({
  name: 'invitation',
  subject: ({ chapterName, organisationName }) => `You are invited to join ${chapterName} (${organisationName})`,
  text: `Hello,

<% if (it.inviterName) { %><%= it.inviterName %> invites you<% } else { %>You are invited<% } %> to join <%= it.chapterName %>, a chapter of <%= it.organisationName %>, as <%= it.role %>.

Accept the invitation here (valid for 7 days):

<%= it.link %>

If you have no Marea account yet, you can create one on the same page.`,
  html: `<p>Hello,</p>
<p><% if (it.inviterName) { %><%= it.inviterName %> invites you<% } else { %>You are invited<% } %> to join <strong><%= it.chapterName %></strong>, a chapter of <%= it.organisationName %>, as <%= it.role %>.</p>
<p><a href="<%= it.link %>">Accept the invitation</a> (valid for 7 days).</p>
<p>If you have no Marea account yet, you can create one on the same page.</p>`,
});
