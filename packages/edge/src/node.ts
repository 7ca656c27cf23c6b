// The "node" export condition: the same API as index.ts, with node:crypto
// backends swapped in where they beat crypto.subtle's per-call overhead.
export * from './index.js';
