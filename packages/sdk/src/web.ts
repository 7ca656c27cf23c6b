// Public API of @urlseal/sdk/web: the signer for runtimes with Web APIs only (Workers,
// Deno, Vercel Edge, Bun). Re-exports; nothing reachable from here imports node:.
export * from './public.js';
export { createSigner } from './web-signer.js';
export type { WebSigner } from './web-signer.js';
