// No import cycles (docs/architecture.md "Layers"): in each package's sources, the graph of
// relative imports (type-only imports too: a cycle of types is still a cycle of modules)
// has no strongly connected component of more than one module, and no module imports itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceFiles } from './sources.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every cycle of relative imports under `folder`, each as its modules (relative paths, sorted). */
export function importCycles(folder: string): string[][] {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(folder)) {
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    graph.set(
      file,
      imports.filter((entry) => entry.fileName.startsWith('.')).map((entry) => resolve(dirname(file), entry.fileName.replace(/\.js$/, '.ts'))),
    );
  }
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (module: string): void => {
    index.set(module, next);
    low.set(module, next);
    next += 1;
    stack.push(module);
    onStack.add(module);
    for (const dependency of graph.get(module) ?? []) {
      if (!graph.has(dependency)) continue;
      if (!index.has(dependency)) {
        visit(dependency);
        low.set(module, Math.min(low.get(module) as number, low.get(dependency) as number));
      } else if (onStack.has(dependency)) {
        low.set(module, Math.min(low.get(module) as number, index.get(dependency) as number));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    const selfImport = (graph.get(module) ?? []).includes(module);
    if (component.length > 1 || selfImport) cycles.push(component.map((path) => relative(folder, path)).sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) visit(module);
  return cycles;
}

describe('import cycles', () => {
  it.each(['packages/edge/src', 'packages/sdk/src', 'packages/player/src', 'examples/lms/src'])('%s has none', (folder) => {
    expect(importCycles(join(ROOT, folder))).toEqual([]);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'urlseal-cycles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds a cycle made of type-only imports, and leaves a chain alone', () => {
    writeFileSync(join(scratch, 'a.ts'), "import type { B } from './b.js';\nexport type A = B[];\n");
    writeFileSync(join(scratch, 'b.ts'), "import { c } from './c.js';\nimport type { A } from './a.js';\nexport type B = { a?: A; c: typeof c };\n");
    writeFileSync(join(scratch, 'c.ts'), 'export const c = 1;\n');
    expect(importCycles(scratch)).toEqual([['a.ts', 'b.ts']]);
    writeFileSync(join(scratch, 'b.ts'), "import { c } from './c.js';\nexport type B = { c: typeof c };\n");
    expect(importCycles(scratch)).toEqual([]);
  });
});
