// A module of dist/worker.js loaded only when a manifest answer is rewritten (issue 16):
// the HLS/DASH rewriter, which `handle` imports as ../manifest-rewriter.js.
export { rewriteManifest } from '../../core/manifest.js';
