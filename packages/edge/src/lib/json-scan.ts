// A second, stricter reading of keyring JSON text, run alongside JSON.parse:
// it says WHERE text is not JSON (line and column, never the text around it,
// which may hold a secret) and finds a member name repeated inside one object,
// which JSON.parse silently resolves last-wins. Plain functions, no classes:
// this file may be bundled for runtimes with a small JavaScript subset.

/** A problem found in JSON text: a syntax error, or a member name repeated in one object. */
export interface JsonProblem {
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) of the problem. */
  readonly column: number;
  /** What the text should hold there (`a value`, `"," or "}"`, …); for a duplicate, `duplicate`. */
  readonly expected: string;
  /** True when the text ended before the JSON did. */
  readonly atEnd: boolean;
  /** For a duplicate member: the path of the object holding it, and the repeated name. */
  readonly duplicate?: { readonly path: ReadonlyArray<string | number>; readonly name: string };
}

/** Deeper than this is refused: a keyring is three levels deep, and the scan must not exhaust the stack. */
const MAX_DEPTH = 64;

interface Stop {
  readonly stop: true;
  readonly at: number;
  readonly expected: string;
  readonly duplicate?: { readonly path: ReadonlyArray<string | number>; readonly name: string };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Scans `text` as JSON (RFC 8259) and returns its first problem, or
 * `undefined` when it is JSON with no member name repeated in any object.
 */
export function scanJson(text: string): JsonProblem | undefined {
  let i = 0;
  const stop = (expected: string, duplicate?: Stop['duplicate']): Stop => ({ stop: true, at: i, expected, ...(duplicate ? { duplicate } : {}) });

  function skipSpace(): void {
    while (i < text.length) {
      const c = text[i];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      i++;
    }
  }

  function literal(word: string): void {
    if (text.slice(i, i + word.length) !== word) throw stop('a value (true, false, null, a number, a string, an object or an array)');
    i += word.length;
  }

  /** Scans a string from its opening quote; returns its raw text, quotes included. */
  function string(): string {
    const start = i;
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) throw stop('a closing quote (")');
      const code = text.charCodeAt(i);
      if (code === 0x22) break;
      if (code < 0x20) throw stop('no control character inside a string (write \\n, \\t, …)');
      if (code === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) throw stop('four hex digits after \\u');
          i += 6;
          continue;
        }
        if (next === undefined || '"\\/bfnrt'.indexOf(next) < 0) throw stop('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        i += 2;
        continue;
      }
      i++;
    }
    i++; // the closing quote
    return text.slice(start, i);
  }

  function number(): void {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (isDigit(text[i])) while (isDigit(text[i])) i++;
    else throw stop('a digit');
    if (text[i] === '.') {
      i++;
      if (!isDigit(text[i])) throw stop('a digit after "."');
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text[i])) throw stop('a digit in the exponent');
      while (isDigit(text[i])) i++;
    }
  }

  function value(depth: number, path: Array<string | number>): void {
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) throw stop(`at most ${MAX_DEPTH} levels of nesting`);
      if (c === '{') object(depth + 1, path);
      else array(depth + 1, path);
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || isDigit(c)) number();
    else throw stop('a value (true, false, null, a number, a string, an object or an array)');
  }

  /** After a member or element: true at ",", false past the closing `close`. */
  function more(close: '}' | ']'): boolean {
    skipSpace();
    const c = text[i];
    if (c !== ',' && c !== close) throw stop(`"," or "${close}"`);
    i++;
    return c === ',';
  }

  function object(depth: number, path: Array<string | number>): void {
    i++; // {
    const names = new Set<string>();
    skipSpace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') throw stop('a member name in double quotes');
      const at = i;
      const name = JSON.parse(string()) as string;
      if (names.has(name)) {
        i = at;
        throw stop('duplicate', { path: path.slice(), name });
      }
      names.add(name);
      skipSpace();
      if (text[i] !== ':') throw stop('":" after the member name');
      i++;
      path.push(name);
      value(depth, path);
      path.pop();
      if (!more('}')) return;
    }
  }

  function array(depth: number, path: Array<string | number>): void {
    i++; // [
    skipSpace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      path.push(index);
      value(depth, path);
      path.pop();
      if (!more(']')) return;
    }
  }

  try {
    value(0, []);
    skipSpace();
    if (i < text.length) throw stop('the end of the text (one JSON value only)');
    return undefined;
  } catch (error) {
    const found = error as Stop;
    if (found?.stop !== true) throw error;
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < found.at && k < text.length; k++) {
      if (text.charCodeAt(k) === 0x0a) {
        line++;
        lineStart = k + 1;
      }
    }
    return {
      line,
      column: found.at - lineStart + 1,
      expected: found.expected,
      atEnd: found.at >= text.length,
      ...(found.duplicate ? { duplicate: found.duplicate } : {}),
    };
  }
}
