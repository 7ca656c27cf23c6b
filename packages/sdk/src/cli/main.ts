/** Runs the urlseal CLI and resolves to its exit code. */
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write('urlseal: not built yet\n');
  return 2;
}
