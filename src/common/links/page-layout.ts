import { Eta } from 'eta';
import type { PageView } from './link-page';

/** One layout for every server-rendered page: plain HTML, no script, no external resource. */
const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title><%= it.title %> · Marea</title>
<style>
body{margin:0;padding:2rem 1rem;font-family:system-ui,-apple-system,sans-serif;line-height:1.5;color:#1d1d1b;background:#f6f6f4}
main{max-width:32rem;margin:0 auto;background:#fff;padding:1.5rem;border-radius:6px}
label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;box-sizing:border-box;margin-top:.25rem;padding:.5rem;font:inherit;border:1px solid #767670;border-radius:4px}
.hint{font-size:.9rem;color:#5f5f5a;margin:.25rem 0 0}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font:inherit;font-weight:600;color:#fff;background:#1f5f8b;border:0;border-radius:4px;cursor:pointer}
button:focus,input:focus{outline:3px solid #f0b429;outline-offset:2px}
.error{padding:.75rem;border-left:4px solid #b3261e;background:#fdecea}
</style>
</head>
<body>
<main>
<%~ it.body %>
</main>
</body>
</html>`;

const PAGE = `<% layout('@page-layout') %>
<h1><%= it.title %></h1>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<% it.paragraphs.forEach(function (p) { %><p><%= p %></p>
<% }) %>
<% if (it.form) { %>
<form method="post" action="<%= it.action %>">
<% Object.entries(it.form.hidden || {}).forEach(function ([name, value]) { %><input type="hidden" name="<%= name %>" value="<%= value %>">
<% }); %>
<% (it.form.fields || []).forEach(function (f) { %>
<label for="<%= f.name %>"><%= f.label %></label>
<% if (f.hint) { %><p class="hint" id="<%= f.name %>-hint"><%= f.hint %></p><% } %>
<input id="<%= f.name %>" name="<%= f.name %>" type="<%= f.type %>" required<% if (f.autocomplete) { %> autocomplete="<%= f.autocomplete %>"<% } %><% if (f.minLength) { %> minlength="<%= f.minLength %>"<% } %><% if (f.hint) { %> aria-describedby="<%= f.name %>-hint"<% } %>>
<% }) %>
<button type="submit"><%= it.form.button %></button>
</form>
<% } %>`;

const eta = new Eta({ autoEscape: true, autoTrim: [false, 'nl'] });
eta.loadTemplate('@page-layout', LAYOUT);

/** The page's HTML; `action` is where its form posts (its own address). */
export function renderPage(view: PageView, action: string): string {
  return eta.renderString(PAGE, { ...view, action });
}

/** No script, no framing, no referrer (the address holds the token); inline styles only. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};
