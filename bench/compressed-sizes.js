// Shared by the size sections of `npm run bench`: one bundle's bytes as shipped
// (minified), gzip -9 and brotli 11, recorded as rows of a group.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Records `minified`, `gzip -9` and `brotli 11` rows (bytes) for `code` in `group`. */
export function recordCompressedSizes(bench, code, group) {
  bench.record('minified', code.length, { group, unit: 'B' });
  bench.record('gzip -9', gzipSync(code, { level: 9 }).length, { group, unit: 'B' });
  const brotli = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  bench.record('brotli 11', brotli.length, { group, unit: 'B' });
}
