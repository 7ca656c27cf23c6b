// The Worker: urlseal's verifying edge in front of URLSEAL_ORIGIN, as shipped in
// @urlseal/edge (dist/worker.js). Bindings: URLSEAL_KEYRING (a secret: the
// keyring JSON) and URLSEAL_ORIGIN (a var: the origin's base URL).
export { default } from '@urlseal/edge/worker';
