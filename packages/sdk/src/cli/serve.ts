/** `urlseal serve`: arrives with the edge verifier. */
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('urlseal serve: not available yet (it arrives with @urlseal/edge)\n');
  return 2;
}
