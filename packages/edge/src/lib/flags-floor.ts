// flags.ts as the floor bundles see it (scripts/floor.js): no detail texts.
export const DETAILS: boolean = false;
export const REVOCATION: boolean = false;
