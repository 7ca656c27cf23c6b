// The manifest rewriter as `handle` loads it: by a dynamic import, only when a
// manifest answer is to be rewritten, so a bundle of `handle` may leave the rewriter
// (HLS and DASH parsing, ~4.7 KB) out of the code every request loads
// (scripts/build-worker.js maps this module to dist/worker-manifest.js).
export { rewriteManifest } from './manifest.js';
