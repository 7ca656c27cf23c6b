import { html, type SafeHtml } from './html.js';

export interface LayoutUser {
  readonly name: string;
  readonly email: string;
  /** Sees the admin link. */
  readonly admin?: boolean | undefined;
}

export interface LayoutOptions {
  readonly title: string;
  readonly user?: LayoutUser | undefined;
  /** CSRF token for the logout form (present when signed in). */
  readonly csrf?: string | undefined;
  /** Extra scripts, served from this app (`script-src 'self'`). */
  readonly scripts?: readonly string[];
  /** ES module scripts, after the classic ones, also from this app. */
  readonly modules?: readonly string[];
}

/** The one page shell: header, main, footer; one stylesheet, no inline script or style. */
export function layout(options: LayoutOptions, body: SafeHtml): SafeHtml {
  const { title, user, csrf, scripts = [], modules = [] } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · urlseal academy</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/courses"><span class="brand-mark" aria-hidden="true">◆</span> urlseal <span class="brand-sub">academy</span></a>
    ${user
      ? html`<nav class="account">
      <a href="/courses">Courses</a>
      ${user.admin ? html`<a href="/admin">Admin</a>` : ''}
      <span class="who" title="${user.email}">${user.name}</span>
      <form method="post" action="/logout" class="inline">
        <input type="hidden" name="csrf" value="${csrf ?? ''}">
        <button type="submit" class="link-button">Sign out</button>
      </form>
      <form method="post" action="/logout/everywhere" class="inline">
        <input type="hidden" name="csrf" value="${csrf ?? ''}">
        <button type="submit" class="link-button" data-sign-out-everywhere>Sign out everywhere</button>
      </form>
    </nav>`
      : html`<nav class="account"><a href="/login">Sign in</a></nav>`}
  </div>
</header>
<main class="wrap">
${body}
</main>
<footer class="site-footer">
  <div class="wrap">A demo of <strong>urlseal</strong>: every video on this site reaches your browser through a short-lived, path-bound signed link checked at the edge.</div>
</footer>
${scripts.map((src) => html`<script src="${src}"></script>\n`)}${modules.map((src) => html`<script type="module" src="${src}"></script>\n`)}
</body>
</html>
`;
}
