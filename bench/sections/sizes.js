// Size budgets, bytes per module and per feature (issue 16), as rows of `npm run bench`: the
// measurements of bench/sizes.js (which `node bench/sizes.js` prints alone), each budget of
// packages/edge/size-budgets.json a goal in the "## goals" table.
import { measureSizes } from '../sizes.js';

const GROUP_BUDGETS = 'bundle size: as shipped (packages/edge/size-budgets.json)';

/** Registers size rows (bytes) and a goal per budget; nothing is timed. */
export async function run(bench) {
  const { budgets, bundles } = await measureSizes();
  for (const { budget, row, measured, goal } of budgets) {
    const name = `${budget} ${row}`;
    // A budget nothing measures stays in the goals table as "not measured".
    if (measured !== undefined) bench.record(name, measured, { group: GROUP_BUDGETS, unit: 'B' });
    bench.goal({ name: `${name} ≤ ${goal.toLocaleString('en-US')} B`, group: GROUP_BUDGETS, row: name, atMost: goal });
  }
  for (const bundle of bundles) {
    const modules = `bundle size: modules of ${bundle.name} (esbuild bytesInOutput)`;
    for (const [path, bytes] of bundle.modules) bench.record(path, bytes, { group: modules, unit: 'B' });
    const features = `bundle size: features of ${bundle.name} (bytes with − without)`;
    for (const f of bundle.features) bench.record(`${f.feature}${f.shipped ? '' : ' (not shipped)'}`, f.cost, { group: features, unit: 'B' });
  }
}
