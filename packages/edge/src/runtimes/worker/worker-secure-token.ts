// A module of dist/worker.js loaded only when the keyring holds secure-token secrets
// (issue 16): the legacy scheme's check and its pure-JS md5.
export { importSecureTokenSecret } from '../../core/crypto/web.js';
