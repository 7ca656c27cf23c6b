// flags.ts as the floor bundles see it (scripts/floor.js): no detail texts.
export const DETAILS: boolean = false;
// On for the CloudFront KeyValueStore functions that look revocations up (scripts/build-cloudfront.js).
export const REVOCATION: boolean = false;
export const LIBRARY: boolean = false;
// On for nginx (WebCrypto) and KeyValueStore functions; scripts/floor.js turns it off for the inline CloudFront ones.
export const ASYNC: boolean = true;
