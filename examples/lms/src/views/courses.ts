import type { Course, Lesson } from '../catalogue.js';
import type { SignedLink } from '../links.js';
import { html, type SafeHtml } from './html.js';
import { layout, type LayoutUser } from './layout.js';

export interface PageContext {
  readonly user: LayoutUser;
  readonly csrf: string;
}

const KIND_LABEL: Record<Lesson['kind'], string> = {
  'mp4-exact': 'MP4 · exact-path JWT',
  'hls-prefix': 'HLS · prefix grant',
  'mp4-secure-token': 'MP4 · legacy secure_token',
};

export function cataloguePage(ctx: PageContext, courses: readonly Course[], enrolled: (id: string) => boolean): SafeHtml {
  return layout(
    { title: 'Courses', ...ctx },
    html`<h1>Courses</h1>
<div class="grid">
${courses.map((course) => {
  const mine = enrolled(course.id);
  return html`<article class="card course-card">
  <div class="course-top">
    <span class="badge ${mine ? 'badge-ok' : 'badge-muted'}">${mine ? 'Enrolled' : 'Not enrolled'}</span>
    <span class="muted small">${course.lessons.length} ${course.lessons.length === 1 ? 'lesson' : 'lessons'}</span>
  </div>
  <h2><a href="/courses/${course.id}">${course.title}</a></h2>
  <p>${course.blurb}</p>
  <a class="button ${mine ? '' : 'button-quiet'}" href="/courses/${course.id}${mine ? '/lessons/1' : ''}">${mine ? 'Start watching' : 'View course'}</a>
</article>`;
})}
</div>`,
  );
}

function lessonList(course: Course, current?: number): SafeHtml {
  return html`<ol class="lesson-list">
${course.lessons.map(
  (l) => html`<li class="${l.n === current ? 'current' : ''}"><a href="/courses/${course.id}/lessons/${l.n}"${l.n === current ? html` aria-current="page"` : ''}>
  <span class="lesson-title">${l.title}</span><span class="lesson-kind">${KIND_LABEL[l.kind]}</span></a></li>`,
)}
</ol>`;
}

export function coursePage(ctx: PageContext, course: Course, enrolled: boolean): SafeHtml {
  return layout(
    { title: course.title, ...ctx },
    html`<p class="crumbs"><a href="/courses">Courses</a> /</p>
<h1>${course.title}</h1>
<p class="lead">${course.blurb}</p>
${enrolled ? '' : html`<p class="alert alert-info">You are not enrolled in this course, so its lessons will not open.</p>`}
${lessonList(course)}`,
  );
}

function timeOfDay(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(11, 19) + ' UTC';
}

function signedPanel(link: SignedLink): SafeHtml {
  const where =
    link.transport === 'path'
      ? html`the path: <code>/_token/&lt;jwt&gt;/…</code>. Relative URLs in the playlist inherit it, so one token opens every rendition and segment.`
      : link.scheme === 'jwt'
        ? html`the query: <code>?token=&lt;jwt&gt;</code>. The edge removes it before asking the origin, so origin logs and caches never see it.`
        : html`the query: <code>?st=&lt;md5&gt;&amp;e=&lt;expiry&gt;</code>, the format Azion and nginx <code>secure_link</code> generators emit.`;
  const scheme =
    link.scheme === 'jwt'
      ? html`JWT, ${String(link.header?.alg ?? '')} signature, key <code>${String(link.header?.kid ?? '')}</code>`
      : html`secure_token (md5 of secret + path + expiry)`;
  return html`<aside class="card signed-panel" aria-labelledby="signed-h">
  <h2 id="signed-h">What's signed here</h2>
  <dl>
    <dt>Scheme</dt><dd>${scheme}</dd>
    <dt>Opens</dt><dd><code>${link.grant}</code>${link.grant.endsWith('/*') ? html` <span class="muted">(every file under this prefix)</span>` : html` <span class="muted">(this file only)</span>`}</dd>
    <dt>Token in</dt><dd>${where}</dd>
    <dt>Expires</dt><dd><time datetime="${new Date(link.expires * 1000).toISOString()}" data-expires="${link.expires}" class="expiry">${timeOfDay(link.expires)}</time> <span class="muted">· reloading this page signs a fresh link</span></dd>
  </dl>
  <details>
    <summary>The signed link</summary>
    <code class="signed-url" data-testid="signed-url">${link.url}</code>
    ${link.claims ? html`<p class="small muted">Decoded claims (the edge checks <code>exp</code> and <code>path</code>; <code>sub</code> is only passed along):</p>
    <pre class="claims">${JSON.stringify(link.claims, null, 2)}</pre>` : ''}
  </details>
  <p class="small muted">Copy the link and change one character of the token: the edge answers 403. Open it after it expires: 410. Point it at another course's file: 403.</p>
</aside>`;
}

const MIGRATION = html`<section class="card note">
  <h2>The migration path</h2>
  <p>secure_token links are an md5 of <em>secret + path + expiry</em>. They cannot carry a prefix grant, and the edge must hold the very secret that signs them. urlseal verifies them byte for byte (and adds the checks the format lacks), so you can move one step at a time:</p>
  <ol>
    <li>Put the edge in front with a keyring holding your existing <code>secureToken</code> secret: old links keep working.</li>
    <li>Switch link generation to JWT (<code>scheme: 'jwt'</code>, the default) and add the public key to the edge keyring.</li>
    <li>After one link lifetime, no legacy link is still valid: remove <code>secureToken</code> from both keyrings.</li>
  </ol>
</section>`;

export function lessonPage(ctx: PageContext, course: Course, lesson: Lesson, link: SignedLink): SafeHtml {
  const isHls = lesson.kind === 'hls-prefix';
  const prev = course.lessons.find((l) => l.n === lesson.n - 1);
  const next = course.lessons.find((l) => l.n === lesson.n + 1);
  const video = isHls
    ? html`<video id="player" controls playsinline preload="metadata" data-hls-src="${link.url}"></video>`
    : html`<video id="player" controls playsinline preload="metadata" src="${link.url}"></video>`;
  return layout(
    { title: lesson.title, ...ctx, scripts: isHls ? ['/vendor/hls.min.js', '/static/player.js'] : ['/static/player.js'] },
    html`<p class="crumbs"><a href="/courses">Courses</a> / <a href="/courses/${course.id}">${course.title}</a> /</p>
<div class="lesson-layout">
  <div class="lesson-main">
    <h1><span class="muted">Lesson ${lesson.n}.</span> ${lesson.title}</h1>
    <div class="player-frame">${video}</div>
    <p class="player-status small muted" id="player-status" aria-live="polite"></p>
    <p class="lead">${lesson.summary}</p>
    ${lesson.kind === 'mp4-secure-token' ? MIGRATION : ''}
    <nav class="pager">
      ${prev ? html`<a class="button button-quiet" href="/courses/${course.id}/lessons/${prev.n}">← ${prev.title}</a>` : html`<span></span>`}
      ${next ? html`<a class="button" href="/courses/${course.id}/lessons/${next.n}">${next.title} →</a>` : ''}
    </nav>
  </div>
  <div class="lesson-side">
    ${signedPanel(link)}
    <section class="card">
      <h2>In this course</h2>
      ${lessonList(course, lesson.n)}
    </section>
  </div>
</div>`,
  );
}

export function forbiddenPage(ctx: PageContext, course: Course): SafeHtml {
  return layout(
    { title: 'Not enrolled', ...ctx },
    html`<section class="card message">
  <h1>You're not enrolled in “${course.title}”</h1>
  <p>Lessons open only for enrolled students, so no video link was made for you. Nothing here is hidden behind a guessable URL: without a link signed for you, the edge turns every request away.</p>
  <p><a class="button" href="/courses">Back to courses</a></p>
</section>`,
  );
}

export function notFoundPage(ctx: PageContext | undefined): SafeHtml {
  return layout(
    { title: 'Not found', ...(ctx ?? {}) },
    html`<section class="card message">
  <h1>Page not found</h1>
  <p>There is nothing at this address.</p>
  <p><a class="button" href="/courses">Back to courses</a></p>
</section>`,
  );
}
