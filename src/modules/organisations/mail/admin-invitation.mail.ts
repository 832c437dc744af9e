import { defineMail } from '../../../common/mail/mail-template';

/** An invitation to become an admin of an organisation, to the invited address. */
export const adminInvitationMail = defineMail<{ organisationName: string; inviterName: string | null; link: string }>({
  name: 'admin-invitation',
  subject: ({ organisationName }) => `You are invited to become an admin of ${organisationName}`,
  text: `Hello,

<% if (it.inviterName) { %><%= it.inviterName %> invites you<% } else { %>You are invited<% } %> to become an admin of <%= it.organisationName %> on Marea.

Accept the invitation here (valid for 7 days):

<%= it.link %>

If you have no Marea account yet, you can create one on the same page.`,
  html: `<p>Hello,</p>
<p><% if (it.inviterName) { %><%= it.inviterName %> invites you<% } else { %>You are invited<% } %> to become an admin of <strong><%= it.organisationName %></strong> on Marea.</p>
<p><a href="<%= it.link %>">Accept the invitation</a> (valid for 7 days).</p>
<p>If you have no Marea account yet, you can create one on the same page.</p>`,
});
