// examples/vercel/middleware.ts as Vercel builds Edge middleware: one bundle (esbuild, the
// edge-light condition), process.env inlined, registered for fetch events, for npm
// `edge-runtime` (Vercel's Edge Runtime in Node) to run.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WORKERS_BUNDLE } from '../interop/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The middleware as one script: Vercel inlines process.env at build; the runtime dispatches fetch events. */
export async function bundleVercelMiddleware(env: Record<string, string>): Promise<string> {
  const result = await build({
    stdin: {
      contents: `import middleware from './middleware.ts';\naddEventListener('fetch', (event) => event.respondWith(middleware(event.request)));`,
      resolveDir: `${ROOT}examples/vercel`,
      loader: 'ts',
    },
    ...WORKERS_BUNDLE,
    format: 'iife',
    conditions: ['edge-light', 'worker', 'browser', 'import', 'default'],
    define: Object.fromEntries(Object.entries(env).map(([name, value]) => [`process.env.${name}`, JSON.stringify(value)])),
    write: false,
  });
  return result.outputFiles[0]!.text;
}

