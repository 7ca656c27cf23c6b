import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLAGS as SERVE_FLAGS } from '../../src/cli/serve.js';
import { urlsealHere } from './run.js';

const CLI_DOC = readFileSync(new URL('../../../../docs/cli.md', import.meta.url), 'utf8');

/** The `## serve` section of docs/cli.md. */
function serveSection(): string {
  const start = CLI_DOC.indexOf('\n## serve\n');
  const end = CLI_DOC.indexOf('\n## ', start + 1);
  return CLI_DOC.slice(start, end < 0 ? undefined : end);
}

describe('urlseal serve: its flag table, --help and docs/cli.md agree', () => {
  const flags = Object.entries(SERVE_FLAGS) as Array<[string, { short?: string }]>;

  it('--help lists every flag serve accepts, one line each', async () => {
    const help = await urlsealHere(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(flags.length).toBeGreaterThanOrEqual(13);
    for (const [name, { short }] of flags) {
      const line = short === undefined ? `--${name}` : `--${name}, -${short}`;
      expect(help.stdout, name).toMatch(new RegExp(`^  ${line}(?![\\w-])`, 'm'));
    }
  });

  it('docs/cli.md has one serve section, naming every flag', () => {
    expect(CLI_DOC.split('\n## serve\n')).toHaveLength(2);
    const section = serveSection();
    for (const [name] of flags) expect(section, name).toMatch(new RegExp(`--${name}(?![\\w-])`));
  });
});
