// Docs that are true: every TypeScript example in the READMEs, docs/ (the blocks inventory.ts
// classifies as compiled: every ts block of every doc not marked otherwise) and the public
// TSDoc compiles against the packages as built (run after `npm run build`; `npm test` does).
// The docs' shell blocks are run, and their `# <output>` lines checked, by shell-blocks.test.ts.
import { describe, expect, it } from 'vitest';
import { classify, docBlocks } from './inventory.js';
import { REPO_ROOT, isCheckedTypeScript, sourceFiles, tsdocSnippets, typeCheck, type Snippet, type SnippetError } from './snippets.js';

// TSDoc whose `@example` blocks are compiled. That every exported name of every public subpath
// has an `@example` with a ts block is held by api-reference.test.ts (from the `exports` maps).
const ENFORCED = {
  tsdoc: ['packages/sdk/src', 'packages/edge/src', 'packages/player/src'],
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
    for (const file of ['docs/sdk.md', 'packages/sdk/README.md', 'packages/sdk/src/signer.ts', 'packages/sdk/src/web-signer.ts', 'packages/sdk/src/ttl.ts', 'packages/player/src/source.ts']) {
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

  it('every TypeScript example compiles', () => {
    expect(errors().filter((e) => e.file !== broken.file).map((e) => `${e.file}:${e.line}: ${e.message}`)).toEqual([]);
  }, 60_000);
});
