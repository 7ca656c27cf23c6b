// A module of dist/worker.js loaded only when URLSEAL_KEYRING is keyring JSON (issue 16):
// the JSON validator (keyring.ts, lib/json-scan.ts, key-checks.ts) is most of the Worker's
// bytes, and a keyring `urlseal build worker` wrote needs none of it.
export { readKeyring } from '../../contract/option-readers.js';
