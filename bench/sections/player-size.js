// Size section of `npm run bench`: the @urlseal/player browser bundle
// (packages/player/dist/urlseal-player.min.js: token source, renewFrom and all five
// player adapters), minified, gzip -9 and brotli. Goal: at most 2 KiB gzipped
// (the build fails above it); the rows say what it is.
import { readFileSync } from 'node:fs';
import { buildPlayer, GZIP_GOAL } from '../../packages/player/scripts/build.js';
import { recordCompressedSizes } from '../compressed-sizes.js';

const GROUP = 'bundle size: @urlseal/player (dist/urlseal-player.min.js)';

/** Registers size rows (bytes) and the goal; nothing is timed. */
export async function run(bench) {
  const { outfile } = await buildPlayer({ quiet: true });
  recordCompressedSizes(bench, readFileSync(outfile), GROUP);
  bench.goal({ name: '@urlseal/player ≤ 2 KiB gzip', group: GROUP, row: 'gzip -9', atMost: GZIP_GOAL });
}
