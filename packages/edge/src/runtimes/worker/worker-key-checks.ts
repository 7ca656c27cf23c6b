// A module of dist/worker.js loaded only when the keyring holds public keys (EC, OKP, RSA;
// issue 16): their checks for degenerate values (issue 20), which HMAC keys do not need.
export { uncheckedKeyProblem } from '../../contract/key-checks.js';
