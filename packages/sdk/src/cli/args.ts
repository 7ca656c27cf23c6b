import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage.js';

/** The flags of one subcommand, as `node:util` parseArgs takes them. */
export type Flags = NonNullable<ParseArgsConfig['options']>;

/** Parsed flags and positionals of one subcommand. */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

// parseArgs messages are long and mention flags in several styles; pull out the flag
// (its long name when it has one) so the user gets one short line that says what to do.
function explain(command: string, error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const named = /--[A-Za-z0-9-]+/.exec(quoted)?.[0] ?? /-[A-Za-z0-9]/.exec(quoted)?.[0];
  // Echoed only when it looks like a flag name: what was typed there may be anything, a secret too.
  const flag = named !== undefined && named.length <= 24 ? named : 'a flag';
  const hint = `run urlseal ${command} --help`;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${flag}; ${hint}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('ambiguous')) {
        return new UsageError(`${flag} needs a value, and the next argument starts with "-"; to pass a value starting with "-", write ${flag}=VALUE`);
      }
      return new UsageError(`${flag} ${message.includes('argument missing') ? 'needs a value' : 'takes no value'}; ${hint}`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument; ${hint}`);
    default:
      return new UsageError(`${message.split('\n')[0] ?? 'bad arguments'}; ${hint}`);
  }
}

/**
 * Parses a subcommand's arguments strictly (unknown flags are errors) and
 * adds `--help`/`-h`. Returns `undefined` after printing `help` to stdout when
 * help was asked for, so the caller exits 0.
 */
export function parseCommand(command: string, args: string[], flags: Flags, help: string, maxPositionals: number): ParsedArgs | undefined {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args,
      options: { ...flags, help: { type: 'boolean', short: 'h' } },
      allowPositionals: maxPositionals > 0,
      strict: true,
    }) as ParsedArgs;
  } catch (error) {
    if (args.includes('--help') || args.includes('-h')) return printHelp(help);
    throw explain(command, error);
  }
  if (parsed.values.help === true) return printHelp(help);
  if (parsed.positionals.length > maxPositionals) throw new UsageError(`too many arguments; run urlseal ${command} --help`);
  return parsed;
}

function printHelp(help: string): undefined {
  process.stdout.write(help.endsWith('\n') ? help : `${help}\n`);
  return undefined;
}

/** A string flag's value, or `undefined` when absent. */
export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string flag's values (empty when absent). */
export function listFlag(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : [];
}

/** The one required positional argument, or a UsageError naming what is missing. */
export function onePositional(parsed: ParsedArgs, command: string, what: string): string {
  const value = parsed.positionals[0];
  if (value === undefined || value === '') throw new UsageError(`missing ${what}; run urlseal ${command} --help`);
  return value;
}
