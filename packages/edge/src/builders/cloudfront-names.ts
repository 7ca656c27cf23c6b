// The members of a built config (BuiltConfig and its TokenParams) as the CloudFront
// bundles spell them. scripts/build-cloudfront.js renames these properties in the
// bundles (esbuild's mangleCache, beside the internal names of scripts/floor.js), and
// buildCloudFrontFunction writes the config with the same names: 10 KB count every
// byte, and a long member name is paid for in the code and again in the config. Only
// names that no event, claim, runtime API or stored value uses (not `keys`: Object.keys).

/** Config member → its name in a CloudFront bundle. */
export const CLOUDFRONT_CONFIG_NAMES: Readonly<Record<string, string>> = Object.freeze({
  params: 'P',
  statuses: 'S',
  everyStatus: 'V',
  leeway: 'L',
  maxTtl: 'T',
  secureToken: 'Z',
  pathSegment: 'G',
  token: 'K',
  cookie: 'C',
  // Internal names that a member of the config shares nowhere, renamed here only: the
  // denial's `code` (also in `'code' in x` checks, so quoted names are renamed too) and the view's `country`.
  code: 'D',
  country: 'Y',
});

/** `value` with the member names of every plain object in it renamed by `names` (arrays and other values as they are). */
export function renameMembers(value: unknown, names: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value) || typeof value !== 'object' || value === null) return value;
  const renamed: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    renamed[Object.prototype.hasOwnProperty.call(names, name) ? (names[name] as string) : name] = renameMembers(member, names);
  }
  return renamed;
}
