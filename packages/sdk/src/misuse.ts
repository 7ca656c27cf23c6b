// The SDK's one error rule: misuse (a wrong option, argument or URL) is a TypeError whose
// message starts with the function and names the option; a keyring that fails SPEC §3 or
// cannot be read is a UrlsealError with code ERR_KEYRING_INVALID (from the contract).
// Messages name options, never CLI flags (the CLI translates `option "ttl"` to `--ttl`), and
// never hold a token, secret, claim or path.

/** A TypeError `<fn>: option "<name>" <problem>`, e.g. `signUrl: option "ttl" must be …`. */
export function optionError(fn: string, name: string, problem: string): TypeError {
  return new TypeError(`${fn}: option "${name}" ${problem}`);
}

/** A TypeError about a positional argument: `<fn>: <what> <problem>`, e.g. `signUrl: url …`. */
export function argumentError(fn: string, what: string, problem: string): TypeError {
  return new TypeError(`${fn}: ${what} ${problem}`);
}

/**
 * Refuses option names outside `known`, so a typo (`expire`) is never silently ignored:
 * `<fn>: option "<name>" is unknown; expected one of <known, in order>`. Every enumerable
 * name, inherited ones too: the readers read options by property, which sees those as well.
 */
export function checkOptionNames(options: object, known: ReadonlySet<string>, fn: string): void {
  for (const name in options) {
    if (!known.has(name)) throw optionError(fn, name, `is unknown; expected one of ${[...known].join(', ')}`);
  }
}
