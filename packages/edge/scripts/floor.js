// The JavaScript floor: what CloudFront Functions (cloudfront-js-2.0) and njs
// 0.7.9 (nginx) run. Checked on Debian njs 0.7.9: no `class`, destructuring,
// for-of, default parameters, spread, `?.`, optional catch binding, generators,
// logical assignment; no Map, Set, Object.hasOwn, String#replaceAll,
// Array.from; CloudFront adds no TextDecoder/TextEncoder and no timers.
//
// esbuild lowers what it can for these bundles (spread, `?.`, `??`, catch
// bindings) and refuses the rest (classes, destructuring, for-of, defaults), so
// every module a floor bundle imports is written without them. Runtime APIs
// esbuild cannot see are checked in the output by FLOOR_FORBIDDEN.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { minify } from 'terser';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';

/**
 * Property names internal to the edge core (Prepared, Target, TokenSource,
 * ParsedJwt, Decision…) that a sealed bundle may rename. Never a name that
 * crosses the bundle's edge: config/JSON members, claims, event fields.
 */
export const INTERNAL_PROPERTY_NAMES = Object.freeze([
  'algorithms', 'carrier', 'check', 'checkClaims', 'checkJwt', 'checkSecureToken', 'claim', 'claims', 'clientIp',
  'clock', 'detail', 'forward', 'grant', 'has', 'header', 'manifest', 'name', 'ok', 'pair', 'parseJwt', 'pathPrefix', 'pathToken',
  'payload', 'policy', 'prefix', 'query', 'rawPath', 'scheme', 'signature', 'signatureLength', 'signingInput',
  'source', 'status', 'target', 'v4',
]);

/** A mangleProps pattern that matches exactly `names`. */
export function propertyPattern(names) {
  return new RegExp(`^(?:${names.join('|')})$`);
}

const INTERNAL_PROPERTIES = propertyPattern(INTERNAL_PROPERTY_NAMES);

const FLOOR_FLAGS_FILE = fileURLToPath(new URL('../src/lib/flags-floor.ts', import.meta.url));

/**
 * The core's build-time switches as the floor sets them (src/lib/flags.ts):
 * `lib/flags.js` resolves to flags-floor.ts, so no denial detail text ships;
 * `overrides` (e.g. `{ ASYNC: false }`) change a switch for one bundle.
 */
export function floorFlags(overrides = {}) {
  return {
    name: 'urlseal-floor-flags',
    setup(build) {
      build.onResolve({ filter: /(?:^|\/)lib\/flags\.js$/ }, () => ({ path: FLOOR_FLAGS_FILE }));
      build.onLoad({ filter: /flags-floor\.ts$/ }, () => {
        let source = readFileSync(FLOOR_FLAGS_FILE, 'utf8');
        for (const [name, value] of Object.entries(overrides)) {
          const declaration = new RegExp(`export const ${name}: boolean = (?:true|false);`);
          if (!declaration.test(source)) throw new Error(`scripts/floor.js: src/lib/flags-floor.ts has no switch ${name}`);
          source = source.replace(declaration, `export const ${name}: boolean = ${value === true};`);
        }
        return { contents: source, loader: 'ts' };
      });
    },
  };
}

/** The floor's switches as flags-floor.ts sets them. */
export const FLOOR_FLAGS = floorFlags();

/** esbuild options shared by the floor bundles. */
const FLOOR_BUILD_OPTIONS = Object.freeze({
  bundle: true,
  platform: 'neutral',
  target: 'es2017',
  supported: {
    'array-spread': false,
    'async-await': false, // CloudFront allows no async closures; floor bundles chain promises
    'async-generator': false,
    class: false,
    destructuring: false,
    'default-argument': false,
    'for-await': false,
    'for-of': false,
    generator: false,
    'logical-assignment': false,
    'nullish-coalescing': false,
    'object-rest-spread': false,
    'optional-catch-binding': false,
    'optional-chain': false,
    'regexp-lookbehind-assertions': false,
    'regexp-named-capture-groups': false,
    'regexp-sticky-and-unicode-flags': false,
    'unicode-escapes': false,
  },
  minify: true,
  // Both runtimes run scripts in strict mode already: no "use strict" prologue.
  tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
  // Internal property names only: none is read from JSON, a config, an event or
  // a runtime API, so renaming them in a sealed bundle changes nothing but bytes.
  mangleProps: INTERNAL_PROPERTIES,
  // Statements labelled `NOT_ON_FLOOR:` in the core: speed-only paths, and the cors
  // option no floor build takes; `COUNTRY_RULES:` too unless the bundle opts in (see
  // buildFloorBundle). Dropped before tree shaking, so what they call goes too.
  legalComments: 'none',
  mainFields: ['module', 'main'],
  conditions: ['import', 'default'],
});

/** Runtime APIs the floor lacks, as they would appear in a minified bundle. */
const FLOOR_FORBIDDEN = [
  /\bnew (?:Map|Set|WeakMap|WeakSet|WeakRef)\b/,
  /\bText(?:De|En)coder\b/,
  /\bObject\.hasOwn\b/,
  /\.replaceAll\(/,
  /\bArray\.from\b/,
  /\b(?:setTimeout|setInterval|setImmediate|queueMicrotask|structuredClone)\b/,
  /\bcrypto\.subtle\b/,
  /\bnew (?:Response|Request|Headers|URL)\b/,
  /["']node:/,
];

/** Throws naming the first forbidden API found in `code`. */
function checkFloor(name, code) {
  for (const pattern of FLOOR_FORBIDDEN) {
    const found = pattern.exec(code);
    if (found) throw new Error(`${name} uses ${found[0]}, which CloudFront Functions / njs lack (see scripts/floor.js)`);
  }
}

/** The runtime module named `entry` (a file name: each lives in exactly one `src/runtimes/<runtime>/`). */
function runtimeEntry(root, entry) {
  const runtimes = `${root}src/runtimes/`;
  const found = readdirSync(runtimes).filter((runtime) => existsSync(`${runtimes}${runtime}/${entry}`));
  if (found.length !== 1) throw new Error(`scripts/floor.js: ${entry} is in ${found.length} of src/runtimes/*/, not in exactly one`);
  return `${runtimes}${found[0]}/${entry}`;
}

/**
 * Builds one floor bundle (an IIFE script) from `src/runtimes/<runtime>/<entry>` into
 * `dist/<out>`, checks it, and returns `{ outfile, bytes, code, metafile }`.
 * `flags` overrides the floor's switches (floorFlags) and `dropLabels` names
 * further labelled statements to leave out (e.g. `ABSOLUTE_FORM`, for a runtime
 * that only ever hands over origin-form targets). `configNames` renames config
 * members to the short names given (the builder must write the config with them). The bench (bench/sizes.js)
 * builds variants with `write: false` (nothing is written), `metafile: true`
 * (esbuild's per-module bytes, before terser) and `plugins` of its own.
 */
export async function buildFloorBundle(root, entry, out, { quiet = false, countryRules = false, flags = {}, dropLabels: moreLabels = [], configNames, write = true, metafile = false, plugins = [] } = {}) {
  const outfile = `${root}dist/${out}`;
  let bundled;
  try {
    // Country rules (statements labelled `COUNTRY_RULES:`) ship only in bundles whose runtime reports a country;
    // those leave out `NO_COUNTRY_RULES:`, the answer of a bundle without them.
    const dropLabels = ['NOT_ON_FLOOR', countryRules ? 'NO_COUNTRY_RULES' : 'COUNTRY_RULES'].concat(moreLabels);
    bundled = await build({
      ...FLOOR_BUILD_OPTIONS, plugins: [floorFlags(flags), ...plugins], dropLabels, metafile,
      ...(configNames === undefined ? {} : {
        mangleProps: propertyPattern([...INTERNAL_PROPERTY_NAMES, ...Object.keys(configNames)]),
        mangleCache: { ...configNames },
        mangleQuoted: true,
      }),
      entryPoints: [runtimeEntry(root, entry)], outfile, write: false, format: 'iife', logLevel: quiet ? 'silent' : 'warning',
    });
  } catch (error) {
    throw explainFloorError(`dist/${out}`, error);
  }
  // terser after esbuild: its compress passes take ~5% more off, which is what the 10 KB
  // CloudFront limit needs. ecma 5: it never writes syntax newer than esbuild's output.
  // compress.ecma 2015 with unsafe_arrows turns function expressions that use neither `this`
  // nor `arguments` into arrows (both floors run arrows; none of these functions is a
  // constructor): ~270 B of the 10 KB. The output format stays ES5, so terser writes no
  // shorthand properties or other syntax esbuild did not.
  const squeezed = await minify(bundled.outputFiles[0].text, {
    compress: { passes: 3, ecma: 2015, unsafe_arrows: true },
    mangle: true,
    format: { comments: false, ecma: 5 },
  });
  if (squeezed.code === undefined) throw new Error(`dist/${out}: terser produced no output`);
  const code = squeezed.code;
  checkFloor(`dist/${out}`, code);
  if (write) {
    mkdirSync(`${root}dist`, { recursive: true });
    writeFileSync(outfile, code);
  }
  return { outfile, bytes: Buffer.byteLength(code), code, metafile: bundled.metafile };
}

/** esbuild's "not supported yet" errors, with the hint a maintainer needs. */
function explainFloorError(name, error) {
  const message = error instanceof Error ? error.message : String(error);
  if (!message.includes('configured target environment')) return error;
  return new Error(`${name}: a module it imports uses syntax the JavaScript floor lacks (see scripts/floor.js):\n${message}`);
}
