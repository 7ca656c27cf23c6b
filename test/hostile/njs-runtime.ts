// Runs CloudFront Functions in Debian's njs 0.7.9 (the engine nginx embeds, and a feature
// floor below CloudFront's cloudfront-js-2.0), one njs process per function and batch of
// events, in a scratch folder of its own that is removed once njs has answered.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudFrontEvent, CloudFrontResult } from './cloudfront-runtime.js';
import { NOW } from './helpers.js';

/** Debian's njs shell (scripts/test-deps.sh installs it). */
export const NJS = '/usr/bin/njs';

/**
 * The function, then a driver: Date frozen at NOW, every event through `handler`
 * (settled when it answers with a promise), the answers printed as one JSON array. A
 * KeyValueStore function's `import cf from 'cloudfront'` becomes a store over `kvs`
 * (`get` and `exists`), in which the keys of `failKeys` fail as a failing store's.
 */
export function runInNjs(name: string, code: string, events: CloudFrontEvent[], kvs: Record<string, string>, nowSeconds = NOW, failKeys: readonly string[] = []): CloudFrontResult[] {
  const importLine = "import cf from 'cloudfront';\n";
  // `get` rejects a missing key as CloudFront's does, `exists` tells; a key of failKeys fails both, as a failing store.
  const store = `var STORE = ${JSON.stringify(kvs)}, FAILING = ${JSON.stringify(failKeys)};
function has(key) { return Object.prototype.hasOwnProperty.call(STORE, key); }
var cf = { kvs: function () { return {
  get: function (key) {
    if (FAILING.indexOf(key) >= 0) return Promise.reject(new Error('KeyValueStore unavailable'));
    return has(key) ? Promise.resolve(STORE[key]) : Promise.reject(new Error('The key was not found'));
  },
  exists: function (key) { return FAILING.indexOf(key) >= 0 ? Promise.reject(new Error('KeyValueStore unavailable')) : Promise.resolve(has(key)); }
}; } };\n`;
  const body = code.startsWith(importLine) ? store + code.slice(importLine.length) : code;
  const dir = mkdtempSync(join(tmpdir(), 'urlseal-njs-'));
  const driver = `
Date.now = function () { return ${nowSeconds * 1000}; };
var events = JSON.parse(require('fs').readFileSync(${JSON.stringify(join(dir, `${name}.events.json`))}));
Promise.all(events.map(function (event) { return handler(event); })).then(function (answers) {
  require('fs').writeFileSync(${JSON.stringify(join(dir, `${name}.answers.json`))}, JSON.stringify(answers));
});
`;
  try {
    writeFileSync(join(dir, `${name}.events.json`), JSON.stringify(events));
    writeFileSync(join(dir, `${name}.js`), body + driver);
    // njs's console.log breaks long lines: the answers go through a file.
    execFileSync(NJS, [join(dir, `${name}.js`)], { encoding: 'utf8' });
    return JSON.parse(readFileSync(join(dir, `${name}.answers.json`), 'utf8')) as CloudFrontResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

