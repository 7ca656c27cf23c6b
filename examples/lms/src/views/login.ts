import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

export interface LoginView {
  readonly csrf: string;
  readonly error?: string | undefined;
  readonly email?: string | undefined;
  readonly next?: string | undefined;
  /** A note above the form (e.g. after "sign out everywhere"). */
  readonly notice?: string | undefined;
}

export function loginPage(view: LoginView): SafeHtml {
  return layout(
    { title: 'Sign in' },
    html`<section class="auth-card card">
  <h1>Sign in</h1>
  <p class="muted">Sign in to watch your courses.</p>
  ${view.error ? html`<p class="alert" role="alert">${view.error}</p>` : ''}
  ${view.notice ? html`<p class="alert alert-info" role="status" id="notice">${view.notice}</p>` : ''}
  <form method="post" action="/login" class="stack">
    <input type="hidden" name="csrf" value="${view.csrf}">
    ${view.next ? html`<input type="hidden" name="next" value="${view.next}">` : ''}
    <label>Email <input type="email" name="email" autocomplete="username" required value="${view.email ?? ''}" autofocus></label>
    <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
    <button type="submit" class="button">Sign in</button>
  </form>
  <div class="demo-logins">
    <p><strong>Demo accounts</strong></p>
    <ul>
      <li><code>ada@example.com</code> / <code>lovelace</code>: enrolled in course 1</li>
      <li><code>alan@example.com</code> / <code>turing</code>: enrolled in course 2 only</li>
      <li><code>grace@example.com</code> / <code>hopper</code>: an admin, who can revoke Ada's or Alan's access</li>
    </ul>
  </div>
</section>`,
  );
}
