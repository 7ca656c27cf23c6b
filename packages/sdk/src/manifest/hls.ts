import type { ManifestReference } from './reference.js';

/** Tags whose `URI` names another playlist (the CLI checks those too). */
const PLAYLIST_TAGS = new Set(['EXT-X-MEDIA', 'EXT-X-I-FRAME-STREAM-INF']);
/** RFC 8216 §4.2 attribute: NAME=value, a quoted string (may hold `,` and `=`) or a plain run. */
const ATTRIBUTE = /([A-Z0-9-]+)=("[^"\r\n]*"|[^",\s]*)(?:,|$)/y;

/** Whether the whole list is RFC 8216 attribute/value pairs, nothing around or between them. */
function isStrictList(list: string): boolean {
  ATTRIBUTE.lastIndex = 0;
  while (ATTRIBUTE.lastIndex < list.length) {
    const at = ATTRIBUTE.lastIndex;
    if (ATTRIBUTE.exec(list) === null || ATTRIBUTE.lastIndex === at) return false;
  }
  return true;
}

/** One attribute as hls.js reads it: the name trimmed, the value as written (quotes kept). */
interface LenientAttribute {
  readonly name: string;
  readonly value: string;
}

/**
 * The attribute list as hls.js reads it (its attr-list parser, described here, not copied):
 * a name runs lazily to the next `=` and is trimmed of whitespace; a value starting with `"`
 * runs to the first closing `"` followed by `,` or the end, else to the next `,` or the end,
 * taken as written (an unquoted `URI=k.key` is still requested). A name given twice: the last
 * one wins. So `URI =`, `", URI="` and unquoted URIs all reach the player.
 */
export function lenientAttributes(list: string): LenientAttribute[] {
  const found: LenientAttribute[] = [];
  let at = 0;
  while (at < list.length) {
    const equals = list.indexOf('=', at + 1);
    if (equals < 0) break;
    const name = list.slice(at, equals).trim();
    const start = equals + 1;
    let end = -1;
    if (list[start] === '"') {
      for (let quote = list.indexOf('"', start + 1); quote >= 0; quote = list.indexOf('"', quote + 1)) {
        if (quote + 1 === list.length || list[quote + 1] === ',') {
          end = quote + 1;
          break;
        }
      }
    }
    if (end < 0) {
      const comma = list.indexOf(',', start);
      end = comma < 0 ? list.length : comma;
    }
    found.push({ name, value: list.slice(start, end) });
    at = end + 1;
  }
  return found;
}

/** Names whose value is a URI a player requests. */
function isUriName(name: string): boolean {
  return name === 'URI' || name.endsWith('-URI') || name === 'X-ASSET-LIST';
}

/**
 * Every URI an HLS playlist makes a player request: URI lines, and the quoted
 * `URI` / `…-URI` attributes of tags (keys, init sections, renditions, parts,
 * preload hints, steering, interstitial assets). Lines end at LF, CRLF or a
 * lone CR, as players split them. A URI line is taken as written, so stray
 * whitespace shows up as a finding.
 */
export function hlsReferences(text: string): ManifestReference[] {
  const references: ManifestReference[] = [];
  let streamInf = false;
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line.trim() === '') return;
    if (!line.startsWith('#')) {
      references.push({ uri: line, where, playlist: streamInf });
      streamInf = false;
      return;
    }
    if (!line.startsWith('#EXT')) return; // a comment
    const colon = line.indexOf(':');
    const tag = line.slice(1, colon < 0 ? undefined : colon);
    if (tag === 'EXT-X-STREAM-INF') streamInf = true;
    if (colon < 0) return;
    if (!tag.startsWith('EXT-X-')) return; // EXTINF and the like hold no attribute list
    const list = line.slice(colon + 1);
    const strict = isStrictList(list);
    const attributes = lenientAttributes(list);
    const counts = new Map<string, number>();
    for (const { name } of attributes) counts.set(name, (counts.get(name) ?? 0) + 1);
    attributes.forEach(({ name, value }, i) => {
      if (!isUriName(name)) return;
      // hls.js keeps the last of a repeated name: that one is requested.
      if (attributes.findIndex((a, j) => j > i && a.name === name) >= 0) return;
      const quoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"');
      const uri = quoted ? value.slice(1, -1) : value;
      const problem = !quoted
        ? `${name} is not a quoted string: hls.js still requests it, while the edge's manifest rewriting and other players skip it; write ${name}="…"`
        : (counts.get(name) ?? 0) > 1
          ? `${name} is given twice: hls.js requests the last one, the edge's manifest rewriting neither; give it once`
          : !strict
            ? `the attribute list is not RFC 8216 (a space around "=" or after ",", or a stray character): hls.js still requests this ${name}, the edge's manifest rewriting skips it; write NAME=VALUE pairs joined by "," alone`
            : undefined;
      references.push({ uri, where: `${where} (${tag} ${name})`, playlist: PLAYLIST_TAGS.has(tag), ...(problem === undefined ? {} : { problem }) });
    });
  });
  return references;
}
