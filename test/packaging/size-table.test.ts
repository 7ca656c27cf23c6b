// `node bench/sizes.js` (issue 16): the size table of `npm run bench`, run alone as a maintainer
// runs it. Every budget of packages/edge/size-budgets.json must have its measured row (a budget
// added without a way to measure it prints "not measured" and fails here), and every bundle
// its module and feature tables.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUDGETS = JSON.parse(readFileSync(join(ROOT, 'packages/edge/size-budgets.json'), 'utf8')) as Record<string, Record<string, { goal: number; ceiling: number }>>;

/** The rows of the table under `## <title…>`: cells split where two or more spaces stand. */
function tableRows(output: string, title: string): string[][] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## ${title}`));
  if (start < 0) return [];
  const rows: string[][] = [];
  // The title, the header, the rule; then rows up to the next blank line.
  for (const line of lines.slice(start + 3)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

const bytes = (cell: string | undefined): number => Number((cell ?? '').replace(/[,+]/g, ''));

describe('node bench/sizes.js', () => {
  it('lists every budget of size-budgets.json measured against its goal, and each bundle per module and per feature', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bench/sizes.js'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    const budgets = tableRows(stdout, 'size budgets');
    const expected = Object.entries(BUDGETS).filter(([name]) => !name.startsWith('$')).flatMap(([name, rows]) => Object.entries(rows).map(([row, limits]) => ({ name, row, ...limits })));
    expect(expected.length).toBeGreaterThan(0);
    for (const { name, row, goal, ceiling } of expected) {
      const line = budgets.find((cells) => cells[0] === name && cells[1] === row);
      expect(line, `${name} ${row} in the table`).toBeDefined();
      const [, , measured, goalCell, ceilingCell, verdict] = line as string[];
      expect(bytes(measured), `${name} ${row} measured`).toBeGreaterThan(0);
      expect([bytes(goalCell), bytes(ceilingCell)], `${name} ${row} goal and ceiling`).toEqual([goal, ceiling]);
      expect(['met', 'MISSED'], `${name} ${row}: ${verdict}`).toContain(verdict);
    }
    expect(budgets).toHaveLength(expected.length);
    for (const bundle of ['CloudFront JWT function', 'nginx njs module', 'Worker', 'Azion firewall function']) {
      const modules = tableRows(stdout, `bytes per module: ${bundle} `);
      expect(modules.length, `${bundle}: modules`).toBeGreaterThan(3);
      expect(modules.every((cells) => bytes(cells[1]) > 0), `${bundle}: module bytes`).toBe(true);
      const features = tableRows(stdout, `bytes per feature: ${bundle} `);
      expect(features.length, `${bundle}: features`).toBeGreaterThan(0);
      // A feature built away must cost something: a cost of 0 would mean the variant left nothing out.
      for (const cells of features) expect(bytes(cells[4]), `${bundle}: ${cells[0]}`).toBeGreaterThan(0);
    }
  }, 180_000);
});
