// The API reference in docs/api/: one Markdown file per public subpath of the packages'
// `exports` maps, listing every exported name with its kind, its declaration (as the built
// `.d.ts` that the subpath's `types` condition names declares it, re-exports resolved), its
// TSDoc summary and its `@example`. `npm run docs:api` writes the files (after `tsc -b`);
// test/docs/api-reference.test.ts regenerates them in memory and fails when the checked-in
// files differ, or when an exported name has no TSDoc summary or no `@example` with a
// TypeScript block (docs/architecture.md "The API reference").
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repo root (one level above this file). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the reference is written, relative to the repo root. */
export const API_DIR = 'docs/api';

/** The command that writes the reference (the check's failure message names it). */
export const REGENERATE = 'npm run docs:api';

/** The packages whose `exports` are public API. */
export const PACKAGES = ['packages/edge', 'packages/sdk', 'packages/player'];

/**
 * @typedef {object} Subpath One public subpath of a package's `exports`.
 * @property {string} specifier What a user imports (`@urlseal/edge/contract`).
 * @property {string} pkg The package folder, relative to the root (`packages/edge`).
 * @property {string | undefined} types The `types` entry, relative to the root, or none (a script bundle).
 * @property {string} runs What the subpath's other conditions resolve to at run time (`node: …, default: …`), relative to the root.
 * @property {string} file The reference file, relative to the root (`docs/api/edge-contract.md`).
 */

/**
 * @typedef {object} ApiEntry One exported name of a subpath.
 * @property {string} name
 * @property {string} kind `function`, `class`, `interface`, `type`, `const`, `enum`, `namespace`.
 * @property {string} declaration The declaration as the `.d.ts` has it (each overload, merged declarations).
 * @property {string} source The source file that declares it, relative to the root.
 * @property {string} summary The TSDoc text before the first tag ('' when none).
 * @property {string | undefined} example The text of its `@example`, if any.
 */

/**
 * @typedef {object} ApiProblem An exported name that does not meet the project's standard.
 * @property {string} specifier
 * @property {string} name
 * @property {string} source
 * @property {string} problem
 */

/**
 * Every public subpath of PACKAGES, in the order their `exports` list them (`./package.json` left out).
 * @param {string} [root]
 * @returns {Subpath[]}
 */
export function subpaths(root = ROOT) {
  /** @type {Subpath[]} */
  const found = [];
  for (const pkg of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
    for (const [key, value] of Object.entries(/** @type {Record<string, unknown>} */ (manifest.exports))) {
      if (key === './package.json') continue;
      const conditions = /** @type {Record<string, string>} */ (typeof value === 'string' ? { default: value } : value);
      const specifier = key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`;
      const slug = specifier.replace(/^@urlseal\//, '').replaceAll('/', '-');
      found.push({
        specifier,
        pkg,
        types: conditions.types === undefined ? undefined : join(pkg, conditions.types),
        runs: Object.entries(conditions).filter(([c]) => c !== 'types').map(([c, file]) => `${c}: \`${join(pkg, file)}\``).join(', '),
        file: `${API_DIR}/${slug}.md`,
      });
    }
  }
  return found;
}

/**
 * The `.ts` source a built `.d.ts` of a package was compiled from (`dist/` → `src/`), or the `.d.ts`.
 * @param {string} root
 * @param {string} file Relative to root.
 */
function sourceOf(root, file) {
  const source = file.replace(/\/dist\//, '/src/').replace(/\.d\.ts$/, '.ts');
  return existsSync(join(root, source)) ? source : file;
}

/**
 * A declaration as the `.d.ts` has it (its members' TSDoc included), without `export`/`declare`.
 * @param {ts.Node} node
 */
function print(node) {
  const statement = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  return statement.getText().replace(/^export (default )?/, '').replace(/^declare /, '');
}

/** @param {ts.Symbol} symbol */
function kindOf(symbol) {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'const';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Module) return 'namespace';
  return 'other';
}

/**
 * The text of the TSDoc comment directly above a declaration, its `*` prefixes removed.
 * @param {ts.Node} node
 */
function tsdocOf(node) {
  const host = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  const docs = ts.getJSDocCommentsAndTags(host).filter(ts.isJSDoc);
  const last = docs[docs.length - 1];
  if (last === undefined) return undefined;
  return last
    .getText()
    .replace(/^\/\*\*\s?/, '')
    .replace(/\s*\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n');
}

/**
 * Summary and `@example` of a TSDoc text (the project's comments use no other tag).
 * @param {string | undefined} text
 */
function splitTsdoc(text) {
  if (text === undefined) return { summary: '', example: undefined };
  const lines = text.split('\n');
  const at = lines.findIndex((line) => /^\s*@example\b/.test(line));
  const summary = (at < 0 ? lines : lines.slice(0, at)).join('\n').trim();
  if (at < 0) return { summary, example: undefined };
  const first = (lines[at] ?? '').replace(/^\s*@example\b\s*/, '');
  const example = [first, ...lines.slice(at + 1)].join('\n').trim();
  return { summary, example };
}

/** @type {Map<string, ts.SourceFile>} */
const parsed = new Map();

/**
 * The exported names of every subpath that declares types, read from its `types` entry (the
 * built `.d.ts`: run `tsc -b` first), sorted by name.
 * @param {string} [root]
 * @returns {Map<string, ApiEntry[]>} By specifier.
 */
export function apiEntries(root = ROOT) {
  const typed = subpaths(root).filter((s) => s.types !== undefined);
  for (const s of typed) {
    if (!existsSync(join(root, /** @type {string} */ (s.types)))) throw new Error(`${s.types} (the types of ${s.specifier}) is missing: run tsc -b first`);
  }
  /** @type {ts.CompilerOptions} */
  const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, types: ['node'] };
  const host = ts.createCompilerHost(options, true);
  const read = host.getSourceFile;
  // TypeScript's lib and the installed @types do not change while this runs: parsed once.
  host.getSourceFile = (name, language, ...rest) => {
    if (!/\/node_modules\/(typescript\/lib|@types)\//.test(name)) return read.call(host, name, language, ...rest);
    const cached = parsed.get(name) ?? read.call(host, name, language, ...rest);
    if (cached !== undefined) parsed.set(name, cached);
    return cached;
  };
  const program = ts.createProgram(typed.map((s) => join(root, /** @type {string} */ (s.types))), options, host);
  const checker = program.getTypeChecker();
  /** @type {Map<string, ApiEntry[]>} */
  const bySpecifier = new Map();
  for (const s of typed) {
    const sourceFile = program.getSourceFile(join(root, /** @type {string} */ (s.types)));
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    /** @type {ApiEntry[]} */
    const entries = [];
    for (const exported of moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.declarations ?? [];
      const first = declarations[0];
      if (first === undefined) continue;
      const documented = declarations.find((d) => tsdocOf(d) !== undefined) ?? first;
      entries.push({
        name: exported.name,
        kind: kindOf(symbol),
        declaration: declarations.map(print).join('\n'),
        source: sourceOf(root, relative(root, documented.getSourceFile().fileName)),
        ...splitTsdoc(tsdocOf(documented)),
      });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    bySpecifier.set(s.specifier, entries);
  }
  return bySpecifier;
}

/**
 * The exported names without a TSDoc summary, or without an `@example` holding a TypeScript
 * block that test/docs/docs.test.ts compiles (a `ts no-check` block does not count).
 * @param {Map<string, ApiEntry[]>} entries From apiEntries.
 * @returns {ApiProblem[]}
 */
export function undocumented(entries) {
  /** @type {ApiProblem[]} */
  const problems = [];
  for (const [specifier, list] of entries) {
    for (const e of list) {
      const problem =
        e.summary === '' && e.example === undefined ? 'no TSDoc comment'
        : e.summary === '' ? 'no TSDoc summary'
        : e.example === undefined ? 'no @example'
        : !/^\s*```(ts|typescript)\b(?![^\n]*\bno-check\b)/m.test(e.example) ? 'an @example without a ```ts block (compiled: not no-check)'
        : undefined;
      if (problem !== undefined) problems.push({ specifier, name: e.name, source: e.source, problem });
    }
  }
  return problems;
}

const HEADER = `<!-- Generated by ${REGENERATE} (scripts/api-reference.js) from the TSDoc of the sources: edit those, then run it. -->`;

/** @param {Subpath} s @param {string} from The file the link is written in. */
function link(s, from) {
  return `[\`${s.specifier}\`](${relative(dirname(from), s.file)})`;
}

/**
 * The Markdown of one subpath's reference.
 * @param {Subpath} s
 * @param {ApiEntry[]} entries
 */
export function renderSubpath(s, entries) {
  const names = new Set(entries.map((e) => e.name));
  /** `{@link X}` as a link to X's section when X is on this page, else as code. @param {string} text */
  const links = (text) =>
    text.replace(/\{@link\s+([\w.]+)\s*(?:\|\s*([^}]*))?\}/g, (_, name, label) => {
      const shown = label === undefined ? `\`${name}\`` : label.trim();
      return names.has(name) ? `[${shown}](#${name.toLowerCase()})` : shown;
    });
  const out = [HEADER, '', `# \`${s.specifier}\``, ''];
  out.push(`Declared by \`${s.types}\` (the \`types\` condition of \`${s.pkg}/package.json\`); ${entries.length} exported names. [All subpaths](README.md).`, '');
  out.push('| name | kind | summary |', '|---|---|---|');
  for (const e of entries) out.push(`| [\`${e.name}\`](#${e.name.toLowerCase()}) | ${e.kind} | ${links(firstSentence(e.summary))} |`);
  out.push('');
  for (const e of entries) {
    out.push(`## ${e.name}`, '', `${e.kind} · declared in [\`${e.source}\`](${relative(dirname(s.file), e.source)})`, '');
    // A fence longer than any run of backticks in the declaration (a member's TSDoc may hold one).
    const fence = '`'.repeat(Math.max(3, ...[...e.declaration.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    out.push(`${fence}ts`, e.declaration, fence, '');
    if (e.summary !== '') out.push(links(e.summary), '');
    if (e.example !== undefined) out.push('**Example**', '', e.example, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** @param {string} summary */
function firstSentence(summary) {
  const flat = summary.replace(/\s+/g, ' ').trim();
  const end = /(?<!\b(e\.g|i\.e))\.(\s|$)/.exec(flat);
  const sentence = end === null ? flat : flat.slice(0, end.index + 1);
  return sentence.replaceAll('|', '\\|');
}

/**
 * The index of every subpath (docs/api/README.md).
 * @param {Subpath[]} all
 * @param {Map<string, ApiEntry[]>} entries
 */
export function renderIndex(all, entries) {
  const file = `${API_DIR}/README.md`;
  const out = [HEADER, '', '# API reference', ''];
  out.push(
    'One page per public subpath of the `exports` maps of `packages/edge`, `packages/sdk` and `packages/player`:',
    'every exported name with its kind, its declaration as the built `.d.ts` declares it, its TSDoc and its `@example`.',
    '`test/docs/api-reference.test.ts` fails when a page differs from the sources (docs/architecture.md "The API reference").',
    '',
    '| subpath | exported names | runs |',
    '|---|---|---|',
  );
  for (const s of all) {
    const list = entries.get(s.specifier);
    out.push(list === undefined
      ? `| \`${s.specifier}\` | none: no \`types\` condition (a script bundle, not imported for its API) | ${s.runs} |`
      : `| ${link(s, file)} | ${list.length} | ${s.runs} |`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Every file of the reference, by path relative to the root.
 * @param {string} [root]
 * @param {Map<string, ApiEntry[]>} [entries] From apiEntries(root), if already read.
 * @returns {Map<string, string>}
 */
export function generate(root = ROOT, entries = apiEntries(root)) {
  const all = subpaths(root);
  /** @type {Map<string, string>} */
  const files = new Map([[`${API_DIR}/README.md`, renderIndex(all, entries)]]);
  for (const s of all) {
    const list = entries.get(s.specifier);
    if (list !== undefined) files.set(s.file, renderSubpath(s, list));
  }
  return files;
}

/**
 * The files of the reference as checked in, by path relative to the root.
 * @param {string} [root]
 * @returns {Map<string, string>}
 */
export function checkedIn(root = ROOT) {
  const dir = join(root, API_DIR);
  if (!existsSync(dir)) return new Map();
  return new Map(readdirSync(dir).filter((n) => n.endsWith('.md')).sort().map((n) => [`${API_DIR}/${n}`, readFileSync(join(dir, n), 'utf8')]));
}

/**
 * How the checked-in reference differs from the generated one, a line a file ('' when not at all).
 * @param {Map<string, string>} generated From generate.
 * @param {Map<string, string>} current From checkedIn.
 * @returns {string[]}
 */
export function staleFiles(generated, current) {
  const stale = [];
  for (const [file, text] of generated) {
    const now = current.get(file);
    if (now === undefined) stale.push(`${file}: missing (a subpath without its page)`);
    else if (now !== text) stale.push(`${file}: ${namesDiffer(now, text) ?? firstDifference(now, text)}`);
  }
  for (const file of current.keys()) if (!generated.has(file)) stale.push(`${file}: no subpath generates it (a page of a removed subpath)`);
  return stale;
}

/**
 * The exported names one page documents and the other does not (its `## NAME` sections), if any.
 * @param {string} was @param {string} is
 */
function namesDiffer(was, is) {
  /** @param {string} text */
  const names = (text) => new Set([...text.matchAll(/^## (\S+)$/gm)].map((m) => m[1]));
  const a = names(was);
  const b = names(is);
  const added = [...b].filter((n) => !a.has(n));
  const removed = [...a].filter((n) => !b.has(n));
  const parts = [];
  if (added.length > 0) parts.push(`lacks ${added.join(', ')} (exported, not on the page)`);
  if (removed.length > 0) parts.push(`documents ${removed.join(', ')} (no longer exported)`);
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** The first line where two texts differ. @param {string} was @param {string} is */
function firstDifference(was, is) {
  const a = was.split('\n');
  const b = is.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const line = at < 0 ? a.length : at;
  return `line ${line + 1} is ${JSON.stringify(a[line] ?? '(end of file)')}, the sources give ${JSON.stringify(b[line] ?? '(end of file)')}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const entries = apiEntries();
  const files = generate(ROOT, entries);
  rmSync(join(ROOT, API_DIR), { recursive: true, force: true });
  mkdirSync(join(ROOT, API_DIR), { recursive: true });
  for (const [file, text] of files) writeFileSync(join(ROOT, file), text);
  const problems = undocumented(entries);
  console.log(`wrote ${files.size} files to ${API_DIR}/`);
  for (const p of problems) console.error(`${p.specifier}: ${p.name} (${p.source}): ${p.problem}`);
  if (problems.length > 0) process.exitCode = 1;
}
