// @urlseal/edge/build: Node-side builders for edges that run no keyring
// validation of their own (CloudFront Functions; nginx njs), and the built keyring
// the Worker reads without its JSON validator. Re-exports only.
export { CLOUDFRONT_MAX_BYTES, buildCloudFrontFunction } from './cloudfront.js';
export type { CloudFrontBuildOptions, CloudFrontFunction, CloudFrontScheme, KeyValueEntry } from './cloudfront.js';
export { buildNginxModule } from './nginx.js';
export type { NginxBuildOptions, NginxModule } from './nginx.js';
export type { BuildOptions } from './config.js';
export { buildWorkerKeyring } from './worker.js';
export type { WorkerKeyring } from './worker.js';
