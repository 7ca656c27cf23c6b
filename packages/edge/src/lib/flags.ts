// Build-time switches of the core. The floor bundles (CloudFront Functions,
// nginx njs; scripts/floor.js) resolve this module to flags-floor.ts, and
// esbuild folds each switch: CloudFront's 10 KB count every byte. Everywhere
// else (Node, Workers, the tsc output) these hold. (Whole statements the floor
// leaves out carry the label `NOT_ON_FLOOR:` instead: esbuild's dropLabels.)

/** A denial carries its `detail`, the text that says in logs which check failed (the floor never logs one). */
export const DETAILS: boolean = true;


/** The build is the library: its exports reach user code, so shared tables are frozen (a floor bundle exposes one factory). */
export const LIBRARY: boolean = true;

/**
 * A key source or check may answer with a promise (a KeyValueStore read, WebCrypto).
 * Bundles whose every answer is synchronous (the inline CloudFront functions) build
 * with it off, so `isThenable` folds to `false` and the promise paths drop out.
 */
export const ASYNC: boolean = true;

/** The build can consult a revocation source (issue 18); the floor bundles have none (but the CloudFront KeyValueStore functions built with revocation: scripts/build-cloudfront.js), so its codes stay out of their status table. */
export const REVOCATION: boolean = true;
