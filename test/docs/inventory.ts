// What becomes of every fenced code block in the docs (README.md, docs/**/*.md but the
// generated docs/api/, packages/*/README.md): run, compiled, written as a file a later block
// uses, or marked in the doc as not runnable here / illustrative, with the reason; a
// transcript marked so has its commands run and their output compared. The marks are HTML comment lines
// directly above the fence (docs/architecture.md "Code blocks in the docs" lists them).
// inventory.test.ts fails on a block nothing classifies; shell-blocks.test.ts runs the `run`
// ones; docs.test.ts compiles the `compiled` ones.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, markdownSnippets, type Snippet } from './snippets.js';

/** The test that runs the shell blocks of the docs as written. */
export const RUNNER = 'test/docs/shell-blocks.test.ts';

/** What happens to one block. */
export type BlockClass =
  /** Executed as written: by the runner, or by another test (`run by PATH`) that reads it from the doc. */
  | { readonly kind: 'run'; readonly by: string }
  /** A transcript (`$ command` lines, each followed by what it prints), each command run in `cwd` and its output compared. */
  | { readonly kind: 'output-checked'; readonly by: string; readonly cwd: string }
  /** A fragment of a file of the repo (`excerpt of PATH`): inventory.test.ts holds it to that file. */
  | { readonly kind: 'excerpt'; readonly of: string }
  /** nginx configuration (`nginx -t: inside http {}` or `inside server {}`) that `nginx -t` accepts there (inventory.test.ts). */
  | { readonly kind: 'nginx -t'; readonly inside: 'http' | 'server' }
  /**
   * TypeScript type-checked against the built packages (docs.test.ts); a `js` block too when
   * marked `compiled, given: DECLARATIONS` (the page's own names it uses, declared).
   */
  | { readonly kind: 'compiled'; readonly given?: string }
  /** Written to a file (`file: NAME`) in the runner's folder, for the doc's later blocks to use. */
  | { readonly kind: 'file'; readonly name: string }
  | { readonly kind: 'not runnable'; readonly reason: string }
  | { readonly kind: 'illustrative'; readonly reason: string };

/** Marks that change how the runner runs a block, without classifying it. */
export interface RunMarks {
  /** `placeholder: OLD => NEW`: every OLD in the block (and its output comments) becomes NEW; `{port}`, `{port2}` are free ports. */
  readonly placeholders: ReadonlyArray<readonly [string, string]>;
  /** `setup: CMD`: what the doc assumes exists, made first in the same folder. */
  readonly setup: readonly string[];
  /**
   * `runs until stopped: ready once it prints "TEXT"` (or `ready once 127.0.0.1:PORT accepts connections`):
   * a server, stopped (its process group) once ready and its promised output is printed.
   */
  readonly ready: { readonly text: string } | { readonly port: string } | undefined;
  /** `run with node as CommonJS`: a JS block run with node as a .cjs file. */
  readonly commonJs: boolean;
}

const SHELL = new Set(['sh', 'bash', 'shell']);
const TYPESCRIPT = new Set(['ts', 'typescript']);

/**
 * Generated, so not inventoried: docs/api/ (`npm run docs:api`) copies the TSDoc of the
 * sources, and its blocks are their `@example` blocks, which docs.test.ts compiles where they
 * are written; api-reference.test.ts holds each page to the sources.
 */
export const GENERATED = 'docs/api/';

/** Every Markdown file the inventory covers, relative to the repo root, sorted. */
export function docFiles(root = REPO_ROOT): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`)
    .filter((file) => !file.startsWith(GENERATED));
  const readmes = readdirSync(join(root, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => existsSync(join(root, file)));
  return ['README.md', ...docs, ...readmes].sort();
}

/** Every fenced block of every doc file. */
export function docBlocks(root = REPO_ROOT): Snippet[] {
  return docFiles(root).flatMap((file) => markdownSnippets(root, file));
}

/** A mark's keyword and the text after it (`not runnable here: aws` → ['not runnable here', 'aws']). */
function splitMark(mark: string): [string, string] {
  const run = /^(run by|excerpt of) (\S+)\s*(.*)$/.exec(mark);
  if (run) return [run[1] as string, run[2] as string];
  const at = mark.indexOf(':');
  return at < 0 ? [mark.trim(), ''] : [mark.slice(0, at).trim(), mark.slice(at + 1).trim()];
}

const KNOWN = new Set(['compiled, given', 'nginx -t', 'not runnable here', 'illustrative', 'run by', 'file', 'transcript', 'excerpt of', 'placeholder', 'setup', 'runs until stopped', 'run with node as CommonJS']);

/** The run marks of a block (placeholders, setup, readiness). */
export function runMarks(snippet: Snippet): RunMarks {
  const placeholders: Array<[string, string]> = [];
  const setup: string[] = [];
  let ready: RunMarks['ready'];
  let commonJs = false;
  for (const mark of snippet.marks) {
    const [keyword, rest] = splitMark(mark);
    if (keyword === 'placeholder') {
      const [from, to] = rest.split(' => ');
      if (from !== undefined && to !== undefined) placeholders.push([from, to]);
    } else if (keyword === 'setup') setup.push(rest);
    else if (keyword === 'runs until stopped') {
      const text = /ready once it prints "(.+)"/.exec(rest)?.[1];
      const port = /ready once 127\.0\.0\.1:(\S+) accepts connections/.exec(rest)?.[1];
      ready = text !== undefined ? { text } : port !== undefined ? { port } : undefined;
    }
    else if (keyword === 'run with node as CommonJS') commonJs = true;
  }
  return { placeholders, setup, ready, commonJs };
}

/** How a block is classified, or why it is not (a string). */
export function classify(snippet: Snippet, root = REPO_ROOT): BlockClass | string {
  const classes: BlockClass[] = [];
  for (const mark of snippet.marks) {
    const [keyword, rest] = splitMark(mark);
    if (!KNOWN.has(keyword)) return `unknown mark <!-- ${mark} -->`;
    if (keyword === 'not runnable here' || keyword === 'illustrative') {
      if (rest === '') return `<!-- ${keyword}: … --> without a reason`;
      classes.push({ kind: keyword === 'illustrative' ? 'illustrative' : 'not runnable', reason: rest });
    } else if (keyword === 'run by') {
      if (!existsSync(join(root, rest))) return `<!-- run by ${rest} -->: no such file`;
      if (!readFileSync(join(root, rest), 'utf8').includes(snippet.file)) return `<!-- run by ${rest} -->: that test never reads ${snippet.file}`;
      classes.push({ kind: 'run', by: rest });
    } else if (keyword === 'compiled, given') {
      if (snippet.lang !== 'js' || rest === '') return '<!-- compiled, given: DECLARATIONS --> goes on a js block';
      classes.push({ kind: 'compiled', given: rest });
    } else if (keyword === 'nginx -t') {
      const inside = /^inside (http|server) \{\}$/.exec(rest)?.[1];
      if (inside === undefined || snippet.lang !== 'nginx') return `<!-- nginx -t: ${rest} -->: an nginx block, inside http {} or inside server {}`;
      classes.push({ kind: 'nginx -t', inside: inside as 'http' | 'server' });
    } else if (keyword === 'excerpt of') {
      if (!existsSync(join(root, rest))) return `<!-- excerpt of ${rest} -->: no such file`;
      classes.push({ kind: 'excerpt', of: rest });
    } else if (keyword === 'transcript') {
      const cwd = /^run in (\S+)$/.exec(rest)?.[1];
      if (cwd === undefined || !existsSync(join(root, cwd))) return `<!-- transcript: ${rest} -->: write run in DIR, a folder of the repo`;
      classes.push({ kind: 'output-checked', by: RUNNER, cwd });
    } else if (keyword === 'file') {
      if (!/^[\w.-]+$/.test(rest)) return `<!-- file: ${rest} -->: not a plain file name`;
      classes.push({ kind: 'file', name: rest });
    } else if (keyword === 'placeholder' && !/^.+ => .*$/.test(rest)) {
      return `<!-- placeholder: ${rest} -->: write it OLD => NEW`;
    } else if (keyword === 'runs until stopped' && runMarks({ ...snippet, marks: [mark] }).ready === undefined) {
      return `<!-- runs until stopped: … -->: say ready once it prints "TEXT" or ready once 127.0.0.1:PORT accepts connections`;
    } else if (keyword === 'run with node as CommonJS') {
      if (snippet.lang !== 'js') return '<!-- run with node as CommonJS --> on a block that is not js';
      classes.push({ kind: 'run', by: RUNNER });
    }
  }
  if (classes.length > 1) return `two classes: ${classes.map((c) => c.kind).join(', ')}`;
  if (classes[0] !== undefined) return classes[0];
  if (SHELL.has(snippet.lang)) return { kind: 'run', by: RUNNER };
  if (TYPESCRIPT.has(snippet.lang) && !/\bno-check\b/.test(snippet.info)) return { kind: 'compiled' };
  return `a ${snippet.lang === '' ? 'plain' : snippet.lang} block with no mark: run it, or mark it (docs/architecture.md "Code blocks in the docs")`;
}

/** Where a block is, for messages. */
export function where(snippet: Snippet): string {
  return `${snippet.file}:${snippet.line - 1}`;
}
