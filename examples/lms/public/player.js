// The lesson page's player: attaches the lesson's signed link to hls.js, dash.js or
// the <video> itself, keeps it alive with @urlseal/player (renewed from the app's
// endpoint before it expires and after a 410, never after a 401/403), says in
// words what the edge answered, and runs the "try it" buttons. No token is ever
// written to the console.
import { attachDash, attachHls, attachVideo, createTokenSource, renewFrom } from '/vendor/urlseal-player.js';

const video = document.getElementById('player');
const statusLine = document.getElementById('player-status');
const lms = (window.__lms = { source: undefined, hls: undefined, dash: undefined, renewals: 0, denied: [], revoked: false });

/** What each edge code means to a viewer (SPEC §7). */
const MEANING = {
  ERR_TOKEN_EXPIRED: 'the link has expired',
  ERR_SIGNATURE_INVALID: 'the link was tampered with: its signature does not match',
  ERR_PATH_MISMATCH: 'the link is genuine but not allowed for this file',
  ERR_PATH_NONCANONICAL: 'the address is not in canonical form',
  ERR_TOKEN_MISSING: 'the link carries no token',
  ERR_TOKEN_MALFORMED: 'the token is malformed',
  ERR_KID_UNKNOWN: 'the token names a key the edge does not know',
  ERR_ALG_NOT_ALLOWED: 'the token uses an algorithm the key does not allow',
  ERR_CLAIM_INVALID: 'a claim of the token is missing or invalid',
  ERR_IP_MISMATCH: 'the link is bound to another network address',
  ERR_GEO_MISMATCH: 'the link is not valid in this country',
  ERR_METHOD_NOT_ALLOWED: 'the edge answers GET and HEAD only',
  ERR_TOKEN_REVOKED: 'your access was revoked (signed out everywhere, or by an administrator)',
  ERR_REVOCATION_UNAVAILABLE: 'the edge cannot read its revocation list, so it refuses every link for now',
};

function say(text, tone) {
  if (!statusLine) return;
  statusLine.textContent = text;
  statusLine.dataset.tone = tone || 'info';
}

const humanTime = (unix) => `${new Date(unix * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function claimsOf(url) {
  const jwt = /eyJ[\w-]*\.([\w-]+)\.[\w-]+/.exec(url);
  if (!jwt) return undefined;
  try {
    return JSON.parse(atob(jwt[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return undefined;
  }
}

// ---- the signed-link panel: the live link, its claims, its expiry ----

const linkText = document.getElementById('signed-url');
const expiry = document.getElementById('link-expiry');

function showLink(url) {
  if (linkText) linkText.textContent = url;
  const claims = claimsOf(url);
  if (!claims) return;
  for (const [name, value] of Object.entries(claims)) {
    const cell = document.querySelector(`[data-claim="${name}"]`);
    if (cell) cell.textContent = typeof value === 'number' ? String(value) : JSON.stringify(value);
    const time = document.querySelector(`[data-claim-time="${name}"]`);
    if (time && typeof value === 'number') time.textContent = humanTime(value);
  }
  if (expiry && typeof claims.exp === 'number') {
    expiry.dataset.expires = String(claims.exp);
    expiry.setAttribute('datetime', new Date(claims.exp * 1000).toISOString());
    tick();
  }
}

function tick() {
  if (!expiry) return;
  const expires = Number(expiry.dataset.expires);
  const left = Math.round((expires * 1000 - Date.now()) / 1000);
  const when = humanTime(expires);
  expiry.textContent = left > 0 ? `${when} (in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')})` : `${when} (expired)`;
}
tick();
setInterval(tick, 1000);

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const text = document.getElementById(button.getAttribute('data-copy'))?.textContent ?? '';
  navigator.clipboard.writeText(text).then(
    () => {
      button.textContent = 'Copied';
      setTimeout(() => (button.textContent = 'Copy link'), 1500);
    },
    () => {
      button.textContent = 'Select and copy';
    },
  );
});

// ---- the player ----

const kind = video?.dataset.player;
const renewUrl = video?.dataset.renew;
let latestUrl = video?.dataset.src ?? '';
let current; // what tears the running player down

function deniedMessage(status, code) {
  const meaning = MEANING[code] || (status === 410 ? MEANING.ERR_TOKEN_EXPIRED : 'the edge refused the link');
  if (status === 410) return `The edge says a brand-new link has already expired (${status} ${code || ''}): the app's and the edge's clocks disagree. Not retrying.`;
  if (code === 'ERR_TOKEN_REVOKED') return `Stopped: ${meaning} (${status} ${code}). Sign in again to keep watching.`;
  return `Stopped: ${meaning} (${status}${code ? ` ${code}` : ''}). The player does not retry a refused link; reload the lesson for a genuine one.`;
}

/** A token source for `url`, reporting to the status line; renewals come from the app's endpoint. */
function sourceFor(url) {
  const refresh = renewFrom(renewUrl);
  // Declared first: createTokenSource calls onToken for the first token while it runs,
  // when `source` is still undefined (a `const` would throw there).
  let source;
  source = createTokenSource({
    token: url,
    refresh: async () => {
      say('The link is about to expire (or has): asking the app for a new one…');
      const next = await refresh();
      lms.renewals += 1;
      return next;
    },
    onToken: () => {
      if (lms.renewals === 0 || source !== lms.source) return; // the page's own link, or a tampered copy
      latestUrl = source.apply(latestUrl);
      showLink(latestUrl);
      say(`Link renewed at ${new Date().toISOString().slice(11, 19)} UTC (renewal ${lms.renewals}); playback goes on.`, 'ok');
    },
    onDenied: (status, code) => {
      lms.denied.push({ status, code: code ?? null });
      if (lms.revoked) return; // already stopped and said why
      say(deniedMessage(status, code), 'error');
      if (code === 'ERR_TOKEN_REVOKED' && source === lms.source) {
        // Revoked: stop now rather than play out the buffer; a new sign-in gets new links.
        lms.revoked = true;
        video.pause();
        current?.();
        current = undefined;
      }
    },
    onError: (error) => {
      if (lms.revoked) return;
      if (error && (error.status === 401 || error.status === 403)) {
        say('The app refused a new link: you no longer have access to this lesson (or your session ended). Sign in again.', 'error');
      } else {
        say('Could not reach the app for a new link; trying again on the next request.', 'error');
      }
    },
  });
  return source;
}

/** Asks the edge (HEAD) how it answers `url`, for lessons without a token source. */
async function explain(url) {
  try {
    const answer = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    if (!answer.ok) say(deniedMessage(answer.status, answer.headers.get('x-urlseal-error')), 'error');
  } catch {
    say('The video could not be loaded.', 'error');
  }
}

/** Plays `url`; `genuine` is false for the tampered copy, whose source must not stand for the lesson's link. */
function play(url, genuine = true) {
  current?.();
  current = undefined;
  const source = renewUrl ? sourceFor(url) : undefined;
  if (genuine) lms.source = source;
  if (kind === 'hls') {
    if (window.Hls && window.Hls.isSupported()) {
      // Buffer 12-20 s ahead, as a lecture site would: a student who stops halfway never
      // downloads the rest, and the player keeps asking the edge all through a long lesson.
      const hls = new window.Hls({ enableWorker: true, maxBufferLength: 12, maxMaxBufferLength: 20 });
      if (source) attachHls(hls, source);
      hls.on(window.Hls.Events.ERROR, (_event, data) => {
        // Token answers are the source's business (onDenied); say something for the rest.
        const status = data.response?.code;
        if (data.fatal && status !== 401 && status !== 403 && status !== 410) say(`Playback failed (${data.details}).`, 'error');
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      lms.hls = hls;
      current = () => hls.destroy();
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      // Safari's own HLS has no request hook: the link must cover the whole video (ttlFor).
      video.src = url;
    } else {
      say('This browser cannot play HLS.', 'error');
    }
  } else if (kind === 'dash') {
    if (window.dashjs) {
      const player = window.dashjs.MediaPlayer().create();
      if (source) attachDash(player, source);
      player.initialize(video, url, false);
      lms.dash = player;
      current = () => player.destroy();
    } else {
      say('dash.js did not load.', 'error');
    }
  } else {
    if (source) current = attachVideo(video, source);
    else video.addEventListener('error', () => explain(video.currentSrc || url), { once: true });
    if (video.getAttribute('src') !== url) video.src = url;
  }
}

if (video && latestUrl) play(latestUrl);

// ---- the sealed lesson: the edge's own answer to the link that shows nothing ----

const grantLine = document.getElementById('edge-grant');
if (grantLine) {
  fetch(grantLine.dataset.url, { method: 'HEAD', cache: 'no-store' }).then(
    (answer) => {
      const code = answer.headers.get('x-urlseal-error');
      grantLine.dataset.status = String(answer.status);
      grantLine.textContent = answer.ok
        ? `${answer.status}: the edge opened the sealed link, checked its claims and granted it.`
        : `${answer.status} ${code || ''}: ${MEANING[code] || 'refused'}.`;
    },
    () => (grantLine.textContent = 'The edge could not be reached.'),
  );
}

// ---- try it: variations of the live link, fetched from the edge ----

/** One character of the signature changed (a JWT's third segment, a sealed token's ciphertext, or secure-token's st). */
function tampered(url) {
  // Sealed (H..IV.C.T): a changed ciphertext fails its GCM tag, as a changed signature fails a JWS.
  const jwt = /eyJ[\w-]*\.\.[\w-]+\.([\w-]+)\.[\w-]+/.exec(url) || /eyJ[\w-]*\.[\w-]+\.([\w-]+)/.exec(url);
  if (jwt) {
    const at = jwt.index + jwt[0].indexOf(`.${jwt[1]}`) + 1 + Math.floor(jwt[1].length / 2);
    return url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1);
  }
  const parsed = new URL(url);
  const st = parsed.searchParams.get('st') || '';
  parsed.searchParams.set('st', (st[0] === 'A' ? 'B' : 'A') + st.slice(1));
  return parsed.href;
}

/** The same token on another file: path form keeps /_token/<jwt>, query form keeps the query. */
function elsewhere(url, path) {
  const parsed = new URL(url);
  const token = /^\/_token\/[^/]+/.exec(parsed.pathname);
  parsed.pathname = (token ? token[0] : '') + path;
  return parsed.href;
}

const result = document.getElementById('try-result');

document.querySelectorAll('[data-try]').forEach((button) => {
  button.addEventListener('click', async () => {
    const what = button.getAttribute('data-try');
    if (!result) return;
    result.textContent = 'Asking the edge…';
    try {
      // Start from a live link (renewed if it is about to expire), so only the variation shows.
      if (lms.source) await lms.source.fresh().then(() => (latestUrl = lms.source.apply(latestUrl)));
      const url = what === 'tampered' ? tampered(latestUrl) : what === 'expired' ? button.getAttribute('data-url') : elsewhere(latestUrl, button.getAttribute('data-path'));
      const answer = await fetch(url, { method: 'GET', cache: 'no-store' });
      const code = answer.headers.get('x-urlseal-error');
      await answer.body?.cancel();
      result.dataset.status = String(answer.status);
      result.dataset.code = code || '';
      result.textContent = `${answer.status} ${code || ''}: ${code ? MEANING[code] || 'refused' : 'the edge let it through'}.`;
    } catch {
      result.textContent = 'The edge could not be reached.';
    }
  });
});

document.querySelector('[data-play-tampered]')?.addEventListener('click', () => {
  say('Playing a tampered copy of the link…');
  play(tampered(latestUrl), false);
});
