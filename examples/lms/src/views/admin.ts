import type { User } from '../auth.js';
import type { PageContext } from './courses.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** The admin page: every non-admin user, each with a "revoke access" button. */
export function adminPage(ctx: PageContext, users: readonly User[], notice?: string): SafeHtml {
  return layout(
    { title: 'Admin', ...ctx },
    html`<h1>Admin: revoke access</h1>
${notice ? html`<p class="alert alert-info" role="status" id="notice">${notice}</p>` : ''}
<p class="lead">Revoking a user ends every session they have here and tells the edge (through the revocation file it watches) to refuse every link signed for them before now: a video they are watching stops at its next segment. They can sign in again and watch with new links.</p>
<table class="claims admin-users">
  <tr><th scope="col">User</th><th scope="col">Email</th><th scope="col"></th></tr>
  ${users.map(
    (user) => html`<tr><td>${user.name}</td><td><code>${user.email}</code></td><td>
    <form method="post" action="/admin/revoke" class="inline">
      <input type="hidden" name="csrf" value="${ctx.csrf}">
      <input type="hidden" name="user" value="${user.id}">
      <button type="submit" class="button button-quiet button-small" data-revoke="${user.email}">Revoke ${user.name}'s access</button>
    </form></td></tr>`,
  )}
</table>`,
  );
}

/** What a non-admin sees at /admin. */
export function adminOnlyPage(ctx: PageContext): SafeHtml {
  return layout(
    { title: 'Admins only', ...ctx },
    html`<section class="card message">
  <h1>Admins only</h1>
  <p>This page revokes other users' access; your account cannot open it.</p>
  <p><a class="button" href="/courses">Back to courses</a></p>
</section>`,
  );
}
