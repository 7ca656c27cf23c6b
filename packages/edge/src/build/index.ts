// @urlseal/edge/build: Node-side builders for edges that run no keyring
// validation of their own (CloudFront Functions; nginx njs). Re-exports only.
export { CLOUDFRONT_MAX_BYTES, buildCloudFrontFunction } from './cloudfront.js';
export type { CloudFrontBuildOptions, CloudFrontFunction, CloudFrontScheme, KeyValueEntry } from './cloudfront.js';
export { buildNginxModule } from './nginx.js';
export type { NginxBuildOptions, NginxModule } from './nginx.js';
export type { BuildOptions } from './config.js';
