// `npm start` stops gracefully: on SIGTERM the three servers stop accepting, a response
// already under way is delivered whole, idle keep-alive connections do not hold the
// process, and it exits 0.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const START = fileURLToPath(new URL('../dist/start.js', import.meta.url));
const VIDEO = fileURLToPath(new URL('../media/videos/course-1/intro.mp4', import.meta.url));
const KEYRING = JSON.stringify({ active: 's1', kids: { s1: 'lms-stop-test-secret-0123456789abcdef' } });

describe('npm start: graceful stop', () => {
  it('finishes a response under way, then exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [START], {
      env: { ...process.env, PORT: '0', MEDIA_PORT: '0', EDGE_PORT: '0', LMS_QUIET: '1', URLSEAL_KEYRING: KEYRING },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 15_000;
      while (!out.includes('Press Ctrl-C')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the demo did not start: ${out}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const media = /media\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] as string;
      const app = /app\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] as string;
      // An idle keep-alive connection to the app, and a media response the client reads slowly.
      await fetch(`${app}/login`).then((res) => res.text());
      const body = new Promise<number>((resolve, reject) => {
        const req = request(`${media}/videos/course-1/intro.mp4`, (res) => {
          res.pause();
          let size = 0;
          res.on('data', (chunk: Buffer) => (size += chunk.length));
          res.once('end', () => resolve(size));
          res.once('error', reject);
          child.kill('SIGTERM');
          setTimeout(() => res.resume(), 300);
        });
        req.once('error', reject);
        req.end();
      });
      expect(await body).toBe(statSync(VIDEO).size);
      expect(await exited).toBe(0);
      expect(out).toContain('SIGTERM: stopping');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
