// Finds the code in the docs (fenced blocks in Markdown, `@example` blocks in TSDoc) and
// type-checks TypeScript snippets against the packages as built, so a doc example that
// would not compile fails a test. Used by docs.test.ts; point it at more files there.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** One fenced code block, with where it came from. */
export interface Snippet {
  /** The file, relative to the repo root. */
  readonly file: string;
  /** 1-based line of the block's first code line in that file. */
  readonly line: number;
  /** The fence's language (`ts`, `sh`, …) and the rest of its info string. */
  readonly lang: string;
  readonly info: string;
  /** The nearest Markdown heading above the block (Markdown only). */
  readonly heading: string | undefined;
  readonly code: string;
  /**
   * The HTML comment lines directly above the fence, their text without `<!--`/`-->`
   * (`not runnable here: …`, `placeholder: … => …`: docs/architecture.md "Code blocks in the docs").
   */
  readonly marks: readonly string[];
}

/** A type error in a snippet, located in the document. */
export interface SnippetError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const FENCE = /^(\s*)(```+|~~~+)\s*([\w-]*)(.*)$/;

/** Fenced blocks of lines that were already stripped of any comment prefix. */
function fencedBlocks(file: string, lines: readonly string[], lineOf: (index: number) => number): Snippet[] {
  const snippets: Snippet[] = [];
  let heading: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string;
    const title = /^#{1,6}\s+(.*)$/.exec(text);
    if (title) heading = title[1];
    const open = FENCE.exec(text);
    if (!open) continue;
    const [, indent = '', marker = '', lang = '', info = ''] = open;
    const marks: string[] = [];
    for (let k = i - 1; k >= 0; k--) {
      const mark = /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[k] as string);
      if (!mark) break;
      marks.unshift(mark[1] as string);
    }
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).trimStart().startsWith(marker); j++) {
      body.push((lines[j] as string).startsWith(indent) ? (lines[j] as string).slice(indent.length) : (lines[j] as string));
    }
    snippets.push({ file, line: lineOf(i + 1), lang, info: info.trim(), heading, code: `${body.join('\n')}\n`, marks });
    i = j;
  }
  return snippets;
}

/** Every fenced code block of a Markdown file. */
export function markdownSnippets(root: string, path: string): Snippet[] {
  const lines = readFileSync(join(root, path), 'utf8').split('\n');
  return fencedBlocks(path, lines, (index) => index + 1);
}

/** Every fenced block inside an `@example` of a TSDoc comment in a TypeScript file. */
export function tsdocSnippets(root: string, path: string): Snippet[] {
  const source = readFileSync(join(root, path), 'utf8');
  const snippets: Snippet[] = [];
  for (const comment of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const firstLine = source.slice(0, comment.index).split('\n').length;
    const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\/?\*\*?\/?\s?/, '').replace(/\*\/\s*$/, ''));
    const example = lines.findIndex((line) => line.trimStart().startsWith('@example'));
    if (example < 0) continue;
    const end = lines.findIndex((line, index) => index > example && /^\s*@\w+/.test(line));
    const tail = lines.slice(example + 1, end < 0 ? undefined : end);
    snippets.push(...fencedBlocks(path, tail, (index) => firstLine + example + index).map((s) => ({ ...s, heading: undefined })));
  }
  return snippets;
}

/** Whether a snippet is TypeScript that must compile (opt out with ```ts no-check). */
export function isCheckedTypeScript(snippet: Snippet): boolean {
  return (snippet.lang === 'ts' || snippet.lang === 'typescript') && !/\bno-check\b/.test(snippet.info);
}

/**
 * Type-checks each snippet as its own ES module placed at the repo root (so
 * `@urlseal/sdk` and friends resolve through node_modules and the packages' `exports`,
 * exactly as a user's code would), with the repo's strict settings. `prelude` is
 * prepended to every snippet (ambient `declare`s a set of docs may share).
 */
export function typeCheck(root: string, snippets: readonly Snippet[], prelude = ''): SnippetError[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    allowImportingTsExtensions: false,
  };
  const preludeLines = prelude === '' ? 0 : prelude.split('\n').length - 1;
  const virtual = new Map<string, { snippet: Snippet; text: string }>();
  snippets.forEach((snippet, index) => {
    const name = join(root, `__doc_snippet_${index}__.ts`);
    virtual.set(name, { snippet, text: `${prelude}${snippet.code}\nexport {};\n` });
  });
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name)?.text ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError, create) => {
    const entry = virtual.get(name);
    return entry ? ts.createSourceFile(name, entry.text, language, true) : getSourceFile.call(host, name, language, onError, create);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const errors: SnippetError[] = [];
  for (const [name, { snippet }] of virtual) {
    const sourceFile = program.getSourceFile(name) as ts.SourceFile;
    for (const diagnostic of [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]) {
      const at = diagnostic.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line;
      errors.push({
        file: snippet.file,
        line: snippet.line + Math.max(0, at - preludeLines),
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      });
    }
  }
  return errors;
}

/** A shell command in the docs followed by a `# <output>` line: what it prints. */
export interface OutputExample {
  readonly file: string;
  readonly line: number;
  readonly command: string;
  /** A promised line of output; `…` or `...` stands for any text. */
  readonly expected: string;
}

/**
 * The commands of a `sh` block that are followed by comment lines showing their output
 * (`# https://…`; one example per line, for as many `# ` lines as follow), with
 * `\`-continued lines joined. Lines that are not followed by such a comment are not examples.
 */
export function outputExamples(snippet: Snippet): OutputExample[] {
  if (snippet.lang !== 'sh' && snippet.lang !== 'bash') return [];
  const lines = snippet.code.split('\n');
  const examples: OutputExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as string).startsWith('#') || (lines[i] as string).trim() === '') continue;
    const start = i;
    let command = lines[i] as string;
    while (command.endsWith('\\') && i + 1 < lines.length) command = `${command.slice(0, -1)} ${(lines[++i] as string).trim()}`;
    for (let k = i + 1; lines[k]?.startsWith('# '); k++) {
      examples.push({ file: snippet.file, line: snippet.line + start, command, expected: (lines[k] as string).slice(2) });
    }
  }
  return examples;
}

/** Whether a line of output is what a doc promised (`…`/`...` match any text). */
export function matchesPromise(line: string, promise: string): boolean {
  const parts = promise.split(/\.\.\.|…/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(line);
}

/**
 * For each entry module (e.g. `packages/sdk/src/index.ts`) and the folder `within` its
 * exports are to be declared under, the exports declared there whose TSDoc has no
 * `@example`: what a reader of the API would find undocumented. One program reads every
 * entry (a program per entry parsed the same libraries and @types again for each).
 */
export function exportsWithoutExample(root: string, entries: ReadonlyArray<readonly [entry: string, within: string]>): Map<string, string[]> {
  const program = ts.createProgram(
    entries.map(([entry]) => join(root, entry)),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      skipLibCheck: true,
    },
  );
  const checker = program.getTypeChecker();
  const byEntry = new Map<string, string[]>();
  for (const [entry, within] of entries) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(join(root, entry)) as ts.SourceFile);
    const missing: string[] = [];
    for (const exported of moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.declarations?.[0];
      if (declaration === undefined || !relative(root, declaration.getSourceFile().fileName).startsWith(within)) continue;
      const documented = ts.getJSDocTags(ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration).some((tag) => tag.tagName.text === 'example');
      if (!documented) missing.push(`${exported.name} (${relative(root, declaration.getSourceFile().fileName)})`);
    }
    byEntry.set(entry, missing);
  }
  return byEntry;
}

/** Every `.ts` file under a folder (relative to root), for tsdocSnippets. */
export function sourceFiles(root: string, folder: string): string[] {
  return ts.sys.readDirectory(join(root, folder), ['.ts'], ['**/*.d.ts']).map((file) => relative(root, file));
}

/** The repo root (two levels above this file). */
export const REPO_ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
