// Docs that are true: every TypeScript example in the READMEs, docs/ (the blocks inventory.ts
// classifies as compiled: every ts block of every doc not marked otherwise) and the public
// TSDoc compiles against the packages as built (run after `npm run build`; `npm test` does).
// The docs' shell blocks are run, and their `# <output>` lines checked, by shell-blocks.test.ts.
import { describe, expect, it } from 'vitest';
import { classify, docBlocks } from './inventory.js';
import { REPO_ROOT, exportsWithoutExample, isCheckedTypeScript, sourceFiles, tsdocSnippets, typeCheck, type Snippet, type SnippetError } from './snippets.js';

const ENFORCED = {
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
};

const snippets: Snippet[] = [
  // A js block marked `compiled, given: …` is checked with those declarations on the line of its fence.
  ...docBlocks().flatMap((b) => {
    const c = classify(b);
    if (typeof c === 'string' || c.kind !== 'compiled') return [];
    return c.given === undefined ? [b] : [{ ...b, line: b.line - 1, code: `${c.given}\n${b.code}` }];
  }),
  ...ENFORCED.tsdoc.flatMap((folder) => sourceFiles(REPO_ROOT, folder)).flatMap((file) => tsdocSnippets(REPO_ROOT, file)).filter(isCheckedTypeScript),
];

describe('documentation examples', () => {
  it('finds the examples it is meant to check', () => {
    const files = new Set(snippets.map((s) => s.file));
    for (const file of ['docs/sdk.md', 'packages/sdk/README.md', 'packages/sdk/src/signer.ts', 'packages/sdk/src/web-signer.ts', 'packages/sdk/src/ttl.ts']) {
      expect(files, file).toContain(file);
    }
  });

  // A broken example, checked with the others in one program (each snippet is a module of its own).
  const broken: Snippet = {
    file: 'example.md',
    line: 10,
    lang: 'ts',
    info: '',
    heading: undefined,
    marks: [],
    code: "import { createSigner } from '@urlseal/sdk';\nconst src: Promise<string> = createSigner({ keyring: '{}' }).signUrl('/a');\n",
  };
  let checked: SnippetError[] | undefined;
  const errors = () => (checked ??= typeCheck(REPO_ROOT, [broken, ...snippets]));

  it('reports a broken example at its line in the document', () => {
    expect(errors().filter((e) => e.file === broken.file)).toEqual([
      { file: 'example.md', line: 11, message: expect.stringContaining("Type 'string' is not assignable to type 'Promise<string>'") },
    ]);
  }, 60_000);

  // One program for all the entries, made by the first of these tests.
  let withoutExample: Map<string, string[]> | undefined;
  it.each(ENFORCED.entries)('every export of %s declared in its package has an @example', (entry) => {
    withoutExample ??= exportsWithoutExample(REPO_ROOT, ENFORCED.entries);
    expect(withoutExample.get(entry)).toEqual([]);
  }, 30_000);

  it('every TypeScript example compiles', () => {
    expect(errors().filter((e) => e.file !== broken.file).map((e) => `${e.file}:${e.line}: ${e.message}`)).toEqual([]);
  }, 60_000);
});
