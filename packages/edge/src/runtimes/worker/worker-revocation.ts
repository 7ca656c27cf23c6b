// A module of dist/worker.js loaded only when URLSEAL_REVOCATIONS_KV names a KV namespace
// (issue 16): the revocation check, its cache and its KV reader.
export { readRevocation, revocationKv } from '../../core/revocation.js';
