import { build } from 'esbuild';
const r = await build({ stdin: { contents: 'export function f(o){ return o.aaaa + o.bbbb + o.cccc + o.params; }', loader: 'js' }, write: false, bundle: true, format: 'iife', minify: true, mangleProps: /^(aaaa|bbbb|cccc|params)$/, mangleCache: { params: 'a' } });
console.log(r.outputFiles[0].text, r.mangleCache);
