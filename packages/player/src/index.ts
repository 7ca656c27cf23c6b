// Public API of @urlseal/player. Re-exports; no logic here.
export { createTokenSource } from './source.js';
export type { TokenSource, TokenSourceOptions } from './source.js';
export type { CarrierNames } from './carrier.js';
export { renewFrom } from './renew-from.js';
export { attachHls } from './adapters/hls.js';
export type { HlsLike } from './adapters/hls.js';
export { attachShaka } from './adapters/shaka.js';
export type { ShakaLike } from './adapters/shaka.js';
export { attachDash } from './adapters/dash.js';
export type { DashLike } from './adapters/dash.js';
export { attachVhs } from './adapters/vhs.js';
export type { VhsLike } from './adapters/vhs.js';
export { attachVideo } from './adapters/video.js';
