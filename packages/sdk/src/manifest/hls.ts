import type { ManifestReference } from './reference.js';

/** Tags whose `URI` names another playlist (the CLI checks those too). */
const PLAYLIST_TAGS = new Set(['EXT-X-MEDIA', 'EXT-X-I-FRAME-STREAM-INF']);
/** RFC 8216 §4.2 attribute: NAME=value, a quoted string (may hold `,` and `=`) or a plain run. */
const ATTRIBUTE = /([A-Z0-9-]+)=("[^"\r\n]*"|[^",\s]*)(?:,|$)/y;

function attributes(list: string): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  ATTRIBUTE.lastIndex = 0;
  while (ATTRIBUTE.lastIndex < list.length) {
    const match = ATTRIBUTE.exec(list);
    if (match === null) return found; // not an attribute list (EXTINF, BYTERANGE…)
    found.push([match[1] as string, match[2] as string]);
  }
  return found;
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
    for (const [name, value] of attributes(line.slice(colon + 1))) {
      if (!value.startsWith('"') || !(name === 'URI' || name.endsWith('-URI') || name === 'X-ASSET-LIST')) continue;
      references.push({ uri: value.slice(1, -1), where: `${where} (${tag} ${name})`, playlist: PLAYLIST_TAGS.has(tag) });
    }
  });
  return references;
}
