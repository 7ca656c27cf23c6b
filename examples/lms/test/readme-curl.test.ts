// The repo README's "Try the link in a terminal" block (its LMS demo walk-through), run as
// written against the demo: its two placeholders, marked in the README, are a link lesson 1
// shows a signed-in viewer ({link}) and the demo's edge on a free port ({edge}, 127.0.0.1:8080
// in `npm start`). Each curl line runs in bash and answers what its comment says: the status
// (the first line of `curl -sI`), and the body where the comment shows one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownSnippets } from '../../../test/docs/snippets.js';
import { runMarks } from '../../../test/docs/inventory.js';
import { startDemo, type Demo } from '../src/demo.js';
import { generateDemoKeyring } from '../src/keyring.js';
import { login, mediaLinkOf } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const block = markdownSnippets(ROOT, 'README.md').find((s) => s.marks.includes('run by examples/lms/test/readme-curl.test.ts'));

let demo: Demo;
let link: string;
beforeAll(async () => {
  demo = await startDemo({ port: 0, mediaPort: 0, edgePort: 0, keyring: generateDemoKeyring() });
  const { agent, status } = await login(demo.urls.app, 'ada@example.com', 'lovelace');
  expect(status).toBe(303);
  link = mediaLinkOf((await agent.get('/courses/1/lessons/1').expect(200)).text) as string;
  expect(link).toMatch(/\/videos\/course-1\/intro\.mp4\?token=/);
});
afterAll(async () => {
  await demo?.close();
});

describe('README.md: the curl lines of the LMS walk-through', () => {
  it('are in the README, with their placeholders marked', () => {
    expect(runMarks(block ?? { marks: [] } as never).placeholders).toEqual([
      ['<the link>', '{link}'],
      ['127.0.0.1:8080', '{edge}'],
    ]);
  });

  it('answer what their comments say', async () => {
    const values: Record<string, string> = { '{link}': link, '{edge}': new URL(demo.urls.edge).host };
    let code = block?.code ?? '';
    for (const [from, to] of runMarks(block as never).placeholders) code = code.replaceAll(from, values[to] ?? to);
    const lines = code.split('\n').filter((line) => line.startsWith('curl '));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const [, command = '', said = ''] = /^(.*?)\s+#\s+(.*)$/.exec(line) ?? [];
      const [, status = '', body] = /^(\d{3})(?::.*|\s+(\{.*\}))?$/.exec(said) ?? [];
      // Not execFileSync: the demo answers from this process.
      const { stdout: out } = await promisify(execFile)('bash', ['-e', '-c', command], { encoding: 'utf8', timeout: 10_000 });
      if (command.includes(' -sI ')) expect(out.split('\r\n')[0], line).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      else expect(out, line).toBe(body);
      expect(status, line).toMatch(/^\d{3}$/);
    }
  });
});
