import type { UrlsealClaims } from '@urlseal/sdk';
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
  'dash-prefix': 'DASH · prefix grant',
  'mp4-sealed': 'MP4 · sealed link (JWE)',
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

/** Unix seconds as a UTC date and time, e.g. `2026-11-30 12:40:05 UTC`. */
function humanTime(unix: number): string {
  return `${new Date(unix * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The variations the "try it" buttons fetch: the rest (tampered, another course's file) the page makes from the live link. */
export interface TryIt {
  /** This lesson's link signed with an expiry in the past. */
  readonly expired: string;
  /** A file of another course, fetched with this lesson's token. */
  readonly otherCourse: string;
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf']);

function claimRows(claims: UrlsealClaims): SafeHtml {
  return html`${Object.entries(claims).map(([name, value]) =>
    TIME_CLAIMS.has(name) && typeof value === 'number'
      ? html`<tr><th scope="row"><code>${name}</code></th><td><code data-claim="${name}">${value}</code> <span class="muted small" data-claim-time="${name}">${humanTime(value)}</span></td></tr>`
      : html`<tr><th scope="row"><code>${name}</code></th><td><code data-claim="${name}">${JSON.stringify(value)}</code></td></tr>`,
  )}`;
}

/**
 * The side panel of a sealed link: what the link shows (what `urlseal inspect` prints: the
 * header, nothing else), what the edge reads once it opens it, the edge's live answer, and
 * the price (the edge holds the HS256 secret).
 */
function sealedPanel(link: SignedLink): SafeHtml {
  const kid = String(link.header?.kid ?? '');
  return html`<aside class="card signed-panel" aria-labelledby="signed-h">
  <h2 id="signed-h">What's signed here</h2>
  <dl>
    <dt>Scheme</dt><dd>Sealed JWT: JWE <code>dir</code> + <code>A256GCM</code>, key <code>${kid}</code> (HS256)</dd>
    <dt>Opens</dt><dd><code>${link.grant}</code> <span class="muted">(this file only)</span></dd>
    <dt>Token in</dt><dd>the query: <code>?token=&lt;header&gt;..&lt;iv&gt;.&lt;ciphertext&gt;.&lt;tag&gt;</code>, five segments (the second, the encrypted key, is empty: <code>dir</code> has none). The edge removes it before asking the origin.</dd>
    <dt>Expires</dt><dd><time id="link-expiry" datetime="${new Date(link.expires * 1000).toISOString()}" data-expires="${link.expires}" class="expiry">${humanTime(link.expires)}</time> <span class="muted small">(the app knows; the link does not say)</span></dd>
    <dt>Renewal</dt><dd>None: the page's player times a renewal from the link's <code>exp</code>, which a sealed link hides, so this link covers the whole video plus <code>LINK_TTL</code> (<code>ttlFor</code>).</dd>
  </dl>
  <div class="signed-url-row">
    <code class="signed-url" id="signed-url" data-testid="signed-url">${link.url}</code>
    <button type="button" class="button button-quiet button-small" data-copy="signed-url">Copy link</button>
  </div>
  <p class="small muted">What the link shows: <code>urlseal inspect '&lt;link&gt;'</code> prints the header and nothing else.</p>
  <pre class="inspect small" id="sealed-inspect">scheme:     jwt, SEALED (JWE dir + A256GCM: the claims are encrypted), in the query (?token=)
kid:        ${kid}
alg:        dir, enc A256GCM
header:     ${JSON.stringify(link.header ?? {})}
claims:     sealed: only the header is readable (give -k KEYRING to decrypt locally)</pre>
  ${link.claims
    ? html`<p class="small muted">What the edge reads once it opens the link (the app sealed these claims; only a holder of the kid's secret reads them):</p>
  <table class="claims" id="claims">${claimRows(link.claims)}</table>`
    : ''}
  <p class="small">The edge's answer to this link: <output id="edge-grant" data-url="${link.url}" aria-live="polite">asking…</output></p>
  <p class="small alert alert-info">The price: the edge derives the content key from this kid's HS256 secret (HKDF), so an edge that can open sealed links could also mint them. The other lessons sign with Ed25519, whose public half, all their edge holds, cannot sign. Seal links only for an edge you trust as much as the origin (docs/spec.md §9 “Sealed tokens”).</p>
</aside>`;
}

function signedPanel(link: SignedLink, renewable: boolean): SafeHtml {
  const where =
    link.transport === 'path'
      ? html`the path: <code>/_token/&lt;jwt&gt;/…</code>. Relative URLs in the manifest inherit it, so one token opens every rendition and segment.`
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
    <dt>Expires</dt><dd><time id="link-expiry" datetime="${new Date(link.expires * 1000).toISOString()}" data-expires="${link.expires}" class="expiry">${humanTime(link.expires)}</time></dd>
    <dt>Renewal</dt><dd>${renewable
      ? html`<span id="renewals">The player asks the app for a new link before this one expires (and after a 410); the app checks your enrolment each time.</span>`
      : html`None: the legacy format cannot be renewed by the page. A long video needs a link that covers it (<code>ttlFor</code>).`}</dd>
  </dl>
  <div class="signed-url-row">
    <code class="signed-url" id="signed-url" data-testid="signed-url">${link.url}</code>
    <button type="button" class="button button-quiet button-small" data-copy="signed-url">Copy link</button>
  </div>
  ${link.claims
    ? html`<p class="small muted">Claims (decoded; the edge checks <code>exp</code> and <code>path</code>, <code>sub</code> is only passed along):</p>
  <table class="claims" id="claims">${claimRows(link.claims)}</table>`
    : ''}
  <p class="small muted">Try the link in a terminal: <code>curl -sI '&lt;link&gt;'</code> answers 200 through the edge.</p>
</aside>`;
}

function tryItPanel(tryIt: TryIt): SafeHtml {
  return html`<section class="card try-it" aria-labelledby="try-h">
  <h2 id="try-h">Try it: what the edge says</h2>
  <p class="small">Each button fetches a variation of this lesson's current link from the edge and shows its answer.</p>
  <div class="try-buttons">
    <button type="button" class="button button-quiet" data-try="tampered">A tampered link</button>
    <button type="button" class="button button-quiet" data-try="expired" data-url="${tryIt.expired}">An expired link</button>
    <button type="button" class="button button-quiet" data-try="other" data-path="${tryIt.otherCourse}">Another course's file</button>
  </div>
  <output id="try-result" class="try-result" aria-live="polite"></output>
  <p class="small"><button type="button" class="link-button" data-play-tampered>Play a tampered copy of this link</button> <span class="muted">(the player shows why and does not retry)</span></p>
</section>`;
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

const PLAYER_SCRIPTS: Readonly<Record<SignedLink['player'], readonly string[]>> = {
  native: [],
  hls: ['/vendor/hls.min.js'],
  dash: ['/vendor/dash.all.min.js'],
};

export function lessonPage(ctx: PageContext, course: Course, lesson: Lesson, link: SignedLink, tryIt: TryIt): SafeHtml {
  const prev = course.lessons.find((l) => l.n === lesson.n - 1);
  const next = course.lessons.find((l) => l.n === lesson.n + 1);
  // Legacy secure-token links carry no JWT for the page's player to renew.
  // Sealed links neither: the page's player cannot read their expiry.
  const renewable = link.scheme === 'jwt' && !link.sealed;
  const renew = renewable ? `/courses/${course.id}/lessons/${lesson.n}/link` : undefined;
  // MP4 plays from src even without script; HLS and DASH need their player.
  const video = html`<video id="player" controls playsinline preload="metadata" data-player="${link.player}" data-src="${link.url}"${renew ? html` data-renew="${renew}"` : ''}${link.player === 'native' ? html` src="${link.url}"` : ''}></video>`;
  return layout(
    { title: lesson.title, ...ctx, scripts: PLAYER_SCRIPTS[link.player], modules: ['/static/player.js'] },
    html`<p class="crumbs"><a href="/courses">Courses</a> / <a href="/courses/${course.id}">${course.title}</a> /</p>
<div class="lesson-layout">
  <div class="lesson-main">
    <h1><span class="muted">Lesson ${lesson.n}.</span> ${lesson.title}</h1>
    <div class="player-frame">${video}</div>
    <p class="player-status small" id="player-status" role="status" aria-live="polite"></p>
    <p class="lead">${lesson.summary}</p>
    ${lesson.kind === 'mp4-secure-token' ? MIGRATION : ''}
    ${tryItPanel(tryIt)}
    <nav class="pager">
      ${prev ? html`<a class="button button-quiet" href="/courses/${course.id}/lessons/${prev.n}">← ${prev.title}</a>` : html`<span></span>`}
      ${next ? html`<a class="button" href="/courses/${course.id}/lessons/${next.n}">${next.title} →</a>` : ''}
    </nav>
  </div>
  <div class="lesson-side">
    ${link.sealed ? sealedPanel(link) : signedPanel(link, renewable)}
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

/** A lesson this server cannot show (e.g. the sealed lesson without an HS256 kid). */
export function unavailablePage(ctx: PageContext, course: Course, why: string): SafeHtml {
  return layout(
    { title: 'Lesson unavailable', ...ctx },
    html`<section class="card message">
  <h1>This lesson is not available here</h1>
  <p>${why}</p>
  <p><a class="button" href="/courses/${course.id}">Back to the course</a></p>
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
