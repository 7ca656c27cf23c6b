// A module of dist/worker.js loaded for the first token that needs sealed-token code
// (issue 16): a five-segment token, or any token under URLSEAL_SEALED=require. It holds
// the sealed-token parser and check and the AES-256-GCM openers (HKDF content keys).
export { checkToken, createSealedParser } from '../../core/sealed.js';
export { importContentKey, importSealSecret } from '../../core/crypto/web.js';
