// The API reference (docs/api/, written by `npm run docs:api`: scripts/api-reference.js) is what
// the packages export: one page per public subpath of the `exports` maps of packages/edge,
// packages/sdk and packages/player, read from the `types` entry each declares (the built
// `.d.ts`; run after `npm run build`, as `npm test` does). Fails when an exported name has no
// TSDoc summary or no `@example` with a TypeScript block (docs.test.ts compiles those blocks),
// and when a checked-in page differs from what the sources generate: a page for a removed
// export or subpath, or an export the pages lack. The hand-written docs (README.md, docs/,
// the package READMEs) must name every subpath, and only subpaths that exist.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docFiles } from './inventory.js';
import { REPO_ROOT } from './snippets.js';
import { API_DIR, REGENERATE, apiEntries, checkedIn, generate, staleFiles, subpaths, undocumented } from '../../scripts/api-reference.js';

describe('API reference', () => {
  const entries = apiEntries();

  it('has a page for every subpath with types, including the ones the old hand-kept list missed', () => {
    const specifiers = subpaths().map((s) => s.specifier);
    for (const s of ['@urlseal/edge', '@urlseal/edge/contract', '@urlseal/edge/build', '@urlseal/edge/worker', '@urlseal/sdk', '@urlseal/sdk/web', '@urlseal/player']) {
      expect(specifiers).toContain(s);
      expect(entries.get(s)?.length, s).toBeGreaterThan(0);
    }
    // Script bundles with no `types` condition: listed in the index, no page.
    expect(entries.has('@urlseal/edge/azion')).toBe(false);
    expect(entries.has('@urlseal/player/bundle')).toBe(false);
    // Re-exports resolve to where the name is declared (another package's, too).
    const sdk = entries.get('@urlseal/sdk') ?? [];
    expect(sdk.find((e) => e.name === 'createSigner')).toMatchObject({ kind: 'function', source: 'packages/sdk/src/signer.ts' });
  });

  it('every exported name has a TSDoc summary and an @example with a ts block', () => {
    expect(undocumented(entries).map((p) => `${p.specifier}: ${p.name} (${p.source}): ${p.problem}`)).toEqual([]);
  });

  it('the hand-written docs name every subpath, and no subpath that is not exported', () => {
    const specifiers = new Set(subpaths().map((s) => s.specifier));
    const named = new Map<string, string>();
    for (const file of docFiles()) {
      // `@urlseal/edge/dist/worker.js` and the like are file paths, not imports.
      for (const m of readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/@urlseal\/(?:edge|sdk|player)(?:\/[\w-]+)?(?![\w/.-])/g)) named.set(m[0], file);
    }
    expect([...named].filter(([s]) => !specifiers.has(s)).map(([s, file]) => `${file}: ${s}`), 'imports the exports maps do not have').toEqual([]);
    expect([...specifiers].filter((s) => !named.has(s)), 'subpaths no doc names').toEqual([]);
  });

  it(`docs/api/ is what the sources generate`, () => {
    expect(staleFiles(generate(undefined, entries), checkedIn()), `docs/api/ differs from the exports: run ${REGENERATE} and commit docs/api/`).toEqual([]);
  });
});

// The check on a package set of its own: it fails where it should.
describe('API reference check', () => {
  const root = mkdtempSync(join(tmpdir(), 'urlseal-api-ref-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const manifest = (name: string, exports: object) => JSON.stringify({ name, exports: { ...exports, './package.json': './package.json' } });
  write('packages/edge/package.json', manifest('@urlseal/edge', { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './azion': { default: './dist/azion.js' } }));
  write('packages/sdk/package.json', manifest('@urlseal/sdk', {}));
  write('packages/player/package.json', manifest('@urlseal/player', {}));
  const documented = '/**\n * Adds.\n *\n * @example\n * ```ts\n * add(1, 2);\n * ```\n */\nexport declare function add(a: number, b: number): number;\n';
  write('packages/edge/dist/index.d.ts', `${documented}export { sub } from './sub.js';\n`);
  write('packages/edge/dist/sub.d.ts', '/** Subtracts. */\nexport declare function sub(a: number, b: number): number;\n');

  it('names an export without TSDoc, without @example or with no compiled ts block in it, re-exported ones included', () => {
    write('packages/edge/dist/more.d.ts', 'export declare const bare: number;\n/**\n * Odd.\n * @example\n * ```ts no-check\n * odd;\n * ```\n */\nexport declare const odd: number;\n');
    write('packages/edge/dist/index.d.ts', `${documented}export { sub } from './sub.js';\nexport { bare, odd } from './more.js';\n`);
    expect(undocumented(apiEntries(root)).map((p) => `${p.name}: ${p.problem}`)).toEqual([
      'bare: no TSDoc comment',
      'odd: an @example without a ```ts block (compiled: not no-check)',
      'sub: no @example',
    ]);
  });

  it('names a page that misses an export, a page of no subpath, and a missing page', () => {
    write('packages/edge/dist/index.d.ts', documented);
    const before = generate(root);
    expect([...before.keys()]).toEqual([`${API_DIR}/README.md`, `${API_DIR}/edge.md`]);
    expect(before.get(`${API_DIR}/edge.md`)).toContain('## add');
    for (const [file, text] of before) write(file, text);
    expect(staleFiles(generate(root), checkedIn(root))).toEqual([]);

    write('packages/edge/dist/index.d.ts', `${documented}export { sub } from './sub.js';\n`);
    write(`${API_DIR}/edge-gone.md`, '# `@urlseal/edge/gone`\n');
    rmSync(join(root, API_DIR, 'README.md'));
    expect(staleFiles(generate(root), checkedIn(root))).toEqual([
      `${API_DIR}/README.md: missing (a subpath without its page)`,
      `${API_DIR}/edge.md: lacks sub (exported, not on the page)`,
      `${API_DIR}/edge-gone.md: no subpath generates it (a page of a removed subpath)`,
    ]);
    const page = `${API_DIR}/edge.md`;
    expect(staleFiles(new Map([[page, '## add\n']]), new Map([[page, '## add\n## sub\n']]))).toEqual([`${page}: documents sub (no longer exported)`]);
  });
});
