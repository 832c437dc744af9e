/**
 * The lines every event email shows about the event: when (in the event's own time zone), where, and
 * — only for people GOING — the street address and the online link.
 */
export interface EventDetails {
  title: string;
  lines: string[];
}

export const DETAILS_TEXT = `<%= it.event.title %>
<% it.event.lines.forEach(function (line) { %><%= line %>
<% }) %>`;

export const DETAILS_HTML = `<p><strong><%= it.event.title %></strong><br>
<% it.event.lines.forEach(function (line) { %><%= line %><br>
<% }) %></p>`;
