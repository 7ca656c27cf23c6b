/** Bad command-line input: main prints its message as one stderr line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

// The library functions whose errors reach main (thrown through, or re-thrown by a command):
// their `caller: ` prefix is the command's own name here, so it goes.
const LIBRARY_CALLER =
  /^(?:createSigner|signUrl|sign|signToken|signCookie|parseTtl|loadKeyring|secureToken|createVerifier|buildCloudFrontFunction|buildNginxModule|checkManifest|keyringFile|keyringUrl|createEdgeServer): /;

/**
 * A library message in the CLI's words. The library names options (`signUrl: option
 * "expires" must be …`); each CLI flag is its option's name in kebab case, so the
 * message becomes `--expires must be …`, and `url` becomes `URL`. A carrier name
 * (`option "params.pathSegment"`) is its own flag: `--path-segment`.
 */
export function cliMessage(message: string): string {
  return message
    .replace(LIBRARY_CALLER, '')
    .replace(/option "(?:params\.)?([A-Za-z]+)"/g, (_match, name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)
    .replace(/^url /, 'URL ');
}
