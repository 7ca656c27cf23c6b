// The layers of packages/edge/src (docs/architecture.md "Layers"): every module sits in a layer
// folder, and every relative import (type-only ones too) points to the same layer or one below;
// a runtime never imports another runtime; lib, contract, core and web import nothing from node:*
// (they run on every edge). A checker that found nothing could pass by accident, so it is also run
// over a scratch tree with one fault of each kind.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceFiles } from './sources.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Lowest first: a module may import its own layer or any layer before it. */
export const LAYERS = ['lib', 'contract', 'core', 'web', 'ops', 'runtimes', 'builders'] as const;
/** The layers that run at every edge, so import no Node built-in. */
const RUNTIME_AGNOSTIC = new Set(['lib', 'contract', 'core', 'web']);

/** `layer` is the first folder under src; `unit` tells runtimes apart (`runtimes/worker`). */
function placeOf(src: string, file: string): { layer: string; unit: string } {
  const parts = relative(src, file).split(sep);
  const layer = parts.length > 1 ? (parts[0] as string) : '(src root)';
  return { layer, unit: layer === 'runtimes' ? `runtimes/${parts[1]}` : layer };
}

/** Every breach of the layer rules under `src`, one line each (paths relative to `src`). */
export function layerBreaches(src: string): string[] {
  const breaches: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = placeOf(src, file);
    const name = relative(src, file);
    const rank = LAYERS.indexOf(from.layer as (typeof LAYERS)[number]);
    if (rank < 0) {
      breaches.push(`${name}: not in a layer folder (${LAYERS.join(', ')})`);
      continue;
    }
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('node:')) {
        if (RUNTIME_AGNOSTIC.has(from.layer)) breaches.push(`${name}: imports ${fileName} (the ${from.layer} layer runs on every edge)`);
        continue;
      }
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName.replace(/\.js$/, '.ts'));
      const to = placeOf(src, target);
      const toRank = LAYERS.indexOf(to.layer as (typeof LAYERS)[number]);
      const targetName = relative(src, target);
      if (toRank > rank) breaches.push(`${name}: imports ${targetName}, which climbs from ${from.layer} to ${to.layer}`);
      else if (from.layer === 'runtimes' && to.layer === 'runtimes' && from.unit !== to.unit) {
        breaches.push(`${name}: imports ${targetName}, another runtime's module`);
      }
    }
  }
  return breaches.sort();
}

describe('layers of packages/edge/src', () => {
  it('every module sits in a layer and imports only its own layer or lower ones', () => {
    expect(layerBreaches(join(ROOT, 'packages/edge/src'))).toEqual([]);
  });

  it('every layer folder exists and holds modules (the rule is not checked over an empty tree)', () => {
    const src = join(ROOT, 'packages/edge/src');
    for (const layer of LAYERS) expect(sourceFiles(join(src, layer)).length, layer).toBeGreaterThan(0);
  });

  it('docs/architecture.md draws these layers: a heading per layer folder, and every module it names exists', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## packages/edge\n'), doc.indexOf('\n## packages/sdk'));
    const src = join(ROOT, 'packages/edge/src');
    for (const layer of LAYERS.filter((l) => l !== 'runtimes')) expect(section, layer).toContain(`**\`src/${layer}/\`**`);
    for (const runtime of readdirSync(join(src, 'runtimes'))) expect(section, runtime).toContain(`**\`src/runtimes/${runtime}/\`**`);
    const present = new Set(sourceFiles(src).map((file) => relative(src, file).split(sep).join('/')));
    const basenames = new Set([...present].map((file) => file.slice(file.lastIndexOf('/') + 1)));
    const named = [...section.matchAll(/`([\w/.-]+\.ts)`/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(40);
    // A name is a path from the repository root (test/…), from src, from its layer folder, or a bare file name.
    const exists = (name: string) =>
      name.startsWith('test/') ? existsSync(join(ROOT, name)) : present.has(name) || [...present].some((file) => file.endsWith(`/${name}`)) || basenames.has(name);
    expect(named.filter((name) => !exists(name))).toEqual([]);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'urlseal-layers-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    writeFileSync(join(scratch, file), text);
  };

  it('names a climbing import (type-only too), a cross-runtime import, node:* in core and a module outside the layers', () => {
    write('lib/a.ts', 'export const a = 1;\n');
    write('contract/b.ts', "import { a } from '../lib/a.js';\nexport const b = a;\n");
    write('core/c.ts', "import type { D } from '../web/d.js';\nimport { createHash } from 'node:crypto';\nexport type C = D;\nexport const h = createHash;\n");
    write('web/d.ts', "import { b } from '../contract/b.js';\nexport type D = typeof b;\n");
    write('ops/e.ts', "import { readFileSync } from 'node:fs';\nexport const e = readFileSync;\n");
    write('runtimes/x/x.ts', "import { y } from '../y/y.js';\nexport const x = y;\n");
    write('runtimes/y/y.ts', "import { e } from '../../ops/e.js';\nexport const y = e;\n");
    write('builders/f.ts', "import { x } from '../runtimes/x/x.js';\nexport const f = x;\n");
    write('stray.ts', 'export const stray = 0;\n');
    expect(layerBreaches(scratch)).toEqual([
      'core/c.ts: imports node:crypto (the core layer runs on every edge)',
      'core/c.ts: imports web/d.ts, which climbs from core to web',
      'runtimes/x/x.ts: imports runtimes/y/y.ts, another runtime\'s module',
      'stray.ts: not in a layer folder (lib, contract, core, web, ops, runtimes, builders)',
    ]);
  });
});
