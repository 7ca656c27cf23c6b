// Docs that are true: every TypeScript example in the READMEs, docs/ and the public TSDoc
// compiles against the packages as built (run after `npm run build`; `npm test` does).
// ENFORCED lists what is checked; add a file or folder here to hold it to the same rule.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  exportsWithoutExample,
  isCheckedTypeScript,
  markdownSnippets,
  matchesPromise,
  outputExamples,
  sourceFiles,
  tsdocSnippets,
  typeCheck,
  type Snippet,
} from './snippets.js';

const ENFORCED = {
  markdown: [
    'README.md', 'packages/sdk/README.md', 'docs/sdk.md', 'docs/cli.md', 'docs/key-rotation.md', 'docs/spec.md',
    'packages/edge/README.md', 'docs/edge.md', 'docs/deploy/express.md', 'docs/deploy/node.md', 'docs/deploy/workers.md', 'docs/deploy/nginx.md',
  ],
  tsdoc: ['packages/sdk/src', 'packages/edge/src'],
  // Entry points whose exports (declared under the folder given) must each have an @example.
  entries: [
    ['packages/sdk/src/index.ts', 'packages/sdk/src'],
    ['packages/sdk/src/web.ts', 'packages/sdk/src'],
    ['packages/edge/src/index.ts', 'packages/edge/src'],
    ['packages/edge/src/contract.ts', 'packages/edge/src'],
    ['packages/edge/src/adapters/express.ts', 'packages/edge/src'],
    ['packages/edge/src/adapters/node-server.ts', 'packages/edge/src'],
    ['packages/edge/src/adapters/keyring-source.ts', 'packages/edge/src'],
    ['packages/edge/src/adapters/revocation-source.ts', 'packages/edge/src'],
    ['packages/edge/src/adapters/metrics.ts', 'packages/edge/src'],
    ['packages/edge/src/build/index.ts', 'packages/edge/src'],
  ] as Array<[string, string]>,
  // sh blocks whose `# <output>` lines are run and compared (README.md's quick start, whose
  // comments explain as well as show, has its own test: quickstart.test.ts).
  shell: ['packages/sdk/README.md', 'docs/sdk.md', 'docs/cli.md', 'docs/key-rotation.md'],
};

const blocks: Snippet[] = [
  ...ENFORCED.markdown.flatMap((file) => markdownSnippets(REPO_ROOT, file)),
  ...ENFORCED.tsdoc.flatMap((folder) => sourceFiles(REPO_ROOT, folder)).flatMap((file) => tsdocSnippets(REPO_ROOT, file)),
];
const snippets = blocks.filter(isCheckedTypeScript);
const shellExamples = blocks.filter((b) => ENFORCED.shell.includes(b.file)).flatMap(outputExamples);

describe('documentation examples', () => {
  it('finds the examples it is meant to check', () => {
    const files = new Set(snippets.map((s) => s.file));
    for (const file of ['docs/sdk.md', 'packages/sdk/README.md', 'packages/sdk/src/signer.ts', 'packages/sdk/src/web-signer.ts', 'packages/sdk/src/ttl.ts']) {
      expect(files, file).toContain(file);
    }
  });

  it('reports a broken example at its line in the document', () => {
    const broken: Snippet = {
      file: 'example.md',
      line: 10,
      lang: 'ts',
      info: '',
      heading: undefined,
      code: "import { createSigner } from '@urlseal/sdk';\nconst src: Promise<string> = createSigner({ keyring: '{}' }).signUrl('/a');\n",
    };
    expect(typeCheck(REPO_ROOT, [broken])).toEqual([
      { file: 'example.md', line: 11, message: expect.stringContaining("Type 'string' is not assignable to type 'Promise<string>'") },
    ]);
  });

  it.each(ENFORCED.entries)('every export of %s declared in its package has an @example', (entry, within) => {
    expect(exportsWithoutExample(REPO_ROOT, entry, within)).toEqual([]);
  }, 30_000);

  it('every TypeScript example compiles', () => {
    const errors = typeCheck(REPO_ROOT, snippets).map((e) => `${e.file}:${e.line}: ${e.message}`);
    expect(errors).toEqual([]);
  }, 60_000);
});

describe('shell examples that show their output', () => {
  // A fresh project using this repo's node_modules, with the keyring the docs assume.
  const dir = mkdtempSync(join(tmpdir(), 'urlseal-doc-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { URLSEAL_KEYRING: _none, ...base } = process.env;
  const env = { ...base, PATH: `${join(REPO_ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}` };

  it('finds them', () => {
    expect(shellExamples.map((e) => e.file)).toContain('docs/cli.md');
  });

  it.each(shellExamples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s prints what the doc says', (_where, example) => {
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
    try {
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
      execFileSync('urlseal', ['keygen', '-k', 'keyring.local.json'], { cwd: dir, env });
    } catch {
      // made by an earlier example
    }
    const run = spawnSync('bash', ['-e', '-c', example.command], { cwd: dir, env, encoding: 'utf8', timeout: 15_000 });
    expect(run.status, run.stderr).toBe(0);
    const first = run.stdout.split('\n')[0] ?? '';
    expect(matchesPromise(first, example.expected), `${example.command}\nprinted: ${first}\ndoc says: ${example.expected}`).toBe(true);
  });
});
