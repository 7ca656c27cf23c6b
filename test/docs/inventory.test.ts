// Every fenced code block in README.md, docs/**/*.md and packages/*/README.md is accounted for
// (issue 14, "docs that run"): run as written by a named test, compiled, written as a file a
// later block runs, or marked in the doc, next to the block, as not runnable here or as
// illustrative, with the reason. A new block with none of these fails here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GENERATED, RUNNER, classify, docBlocks, docFiles, where } from './inventory.js';
import { REPO_ROOT, outputExamples, type Snippet } from './snippets.js';

const blocks = docBlocks();
// Debian nginx, as test/interop/nginx.test.ts runs it (npm test installs it: scripts/test-deps.sh).
const NGINX = '/usr/sbin/nginx';

function block(lang: string, marks: string[] = [], code = 'echo hi\n'): Snippet {
  return { file: 'docs/example.md', line: 10, lang, info: '', heading: undefined, code, marks };
}

describe('docs code block inventory', () => {
  it('covers README.md, docs/ (with docs/deploy/) and the package READMEs', () => {
    const files = docFiles();
    for (const file of ['README.md', 'docs/cli.md', 'docs/deploy/cloudfront.md', 'packages/player/README.md']) expect(files).toContain(file);
    // The generated API reference is held to the sources by api-reference.test.ts instead.
    expect(files.filter((file) => file.startsWith(GENERATED))).toEqual([]);
    expect(blocks.length).toBeGreaterThan(80);
  });

  it('classifies every block', () => {
    const unclassified = blocks.flatMap((b) => {
      const c = classify(b);
      return typeof c === 'string' ? [`${where(b)} (${b.lang || 'plain'}): ${c}`] : [];
    });
    expect(unclassified).toEqual([]);
  });

  it('fails a block nothing classifies, and marks that are not the convention', () => {
    expect(classify(block(''))).toMatch(/a plain block with no mark/);
    expect(classify(block('json'))).toMatch(/a json block with no mark/);
    expect(classify(block('sh', ['not runnable here:']))).toMatch(/without a reason/);
    expect(classify(block('sh', ['not runable here: typo']))).toMatch(/unknown mark/);
    expect(classify(block('sh', ['run by test/docs/nothing.test.ts']))).toMatch(/no such file/);
    expect(classify(block('sh', ['run by test/docs/quickstart.test.ts']))).toMatch(/never reads docs\/example\.md/);
    expect(classify(block('sh', ['illustrative: a', 'not runnable here: b']))).toMatch(/two classes/);
    expect(classify(block('sh'))).toEqual({ kind: 'run', by: RUNNER });
    expect(classify(block('ts'))).toEqual({ kind: 'compiled' });
    expect(classify(block('sh', ['not runnable here: needs the aws CLI']))).toEqual({ kind: 'not runnable', reason: 'needs the aws CLI' });
  });

  it('holds each excerpt to its file: the same JSON, or lines that stand in the file (comments aside)', () => {
    const wrong: string[] = [];
    for (const b of blocks) {
      const c = classify(b);
      if (typeof c === 'string' || c.kind !== 'excerpt') continue;
      const file = readFileSync(join(REPO_ROOT, c.of), 'utf8');
      if (b.lang === 'json') {
        if (!isDeepStrictEqual(JSON.parse(b.code), JSON.parse(file))) wrong.push(`${where(b)}: not the JSON of ${c.of}`);
        continue;
      }
      const lines = new Set(file.split('\n').map((line) => line.trim()));
      for (const line of b.code.split('\n').map((l) => l.trim())) {
        if (line !== '' && !line.startsWith('#') && !lines.has(line)) wrong.push(`${where(b)}: ${c.of} has no line ${line}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('nginx fragments marked so pass nginx -t where the mark puts them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'urlseal-doc-nginx-'));
    try {
      const wrong: string[] = [];
      for (const b of blocks) {
        const c = classify(b);
        if (typeof c === 'string' || c.kind !== 'nginx -t') continue;
        const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/tmp;`).join(' ');
        const inner = c.inside === 'http' ? b.code : `server {\n listen 127.0.0.1:9;\n${b.code}}\n`;
        writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n${temp}\naccess_log off;\n${inner}}\n`);
        const t = spawnSync(NGINX, ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
        if (t.status !== 0) wrong.push(`${where(b)}: ${t.stderr.trim()}`);
      }
      expect(wrong).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every json block is JSON, or JSON lines', () => {
    const wrong = blocks
      .filter((b) => b.lang === 'json')
      .filter((b) => {
        try {
          JSON.parse(b.code);
          return false;
        } catch {
          return !b.code.trim().split('\n').every((line) => {
            try {
              JSON.parse(line);
              return true;
            } catch {
              return false;
            }
          });
        }
      })
      .map(where);
    expect(wrong).toEqual([]);
  });

  it('counts', () => {
    const count: Record<string, number> = {};
    for (const b of blocks) {
      const c = classify(b);
      if (typeof c === 'string') continue;
      const key = c.kind === 'run' ? (c.by === RUNNER ? (outputExamples(b).length > 0 ? 'run by the runner, output checked' : 'run by the runner') : `run by ${c.by}`) : c.kind;
      count[key] = (count[key] ?? 0) + 1;
    }
    // Printed for the record (npx vitest run test/docs/inventory.test.ts).
    console.log(`${blocks.length} blocks: ${JSON.stringify(count)}`);
    expect(Object.values(count).reduce((a, b) => a + b, 0)).toBe(blocks.length);
  });
});
