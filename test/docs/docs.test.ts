// Docs that are true: every TypeScript example in the READMEs, docs/ and the public TSDoc
// compiles against the packages as built (run after `npm run build`; `npm test` does).
// ENFORCED lists what is checked; add a file or folder here to hold it to the same rule.
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, isCheckedTypeScript, markdownSnippets, sourceFiles, tsdocSnippets, typeCheck, type Snippet } from './snippets.js';

const ENFORCED = {
  markdown: ['README.md', 'packages/sdk/README.md', 'docs/sdk.md', 'docs/cli.md', 'docs/key-rotation.md', 'docs/spec.md'],
  tsdoc: ['packages/sdk/src'],
};

const snippets: Snippet[] = [
  ...ENFORCED.markdown.flatMap((file) => markdownSnippets(REPO_ROOT, file)),
  ...ENFORCED.tsdoc.flatMap((folder) => sourceFiles(REPO_ROOT, folder)).flatMap((file) => tsdocSnippets(REPO_ROOT, file)),
].filter(isCheckedTypeScript);

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

  it('every TypeScript example compiles', () => {
    const errors = typeCheck(REPO_ROOT, snippets).map((e) => `${e.file}:${e.line}: ${e.message}`);
    expect(errors).toEqual([]);
  }, 60_000);
});
