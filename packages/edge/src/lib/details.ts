// Whether a denial carries its `detail`, the text that says in logs which
// check failed. The floor bundles (CloudFront Functions, nginx njs) never log
// a denial, and CloudFront's 10 KB count every byte: scripts/floor.js swaps
// this module for details-off.ts there, and esbuild drops every detail text.
export const DETAILS: boolean = true;
