/**
 * Just enough XML for a DASH MPD: elements, attributes, text, comments, CDATA,
 * processing instructions. No DTD and no entity other than the five predefined
 * and numeric ones are expanded (so no external entity or expansion attack).
 */
export interface XmlElement {
  /** Local name: a namespace prefix (`mpd:BaseURL`) is dropped. */
  readonly name: string;
  /** Attributes by their name as written (`xlink:href` keeps its prefix), values decoded. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Text content directly inside the element, decoded. */
  text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/y;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? whole;
    const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** Parses an XML document; throws a TypeError naming the line of the first problem. */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '', line: 1 };
  const stack: XmlElement[] = [root];
  let line = 1;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) throw new TypeError(`not well-formed XML at line ${line}`);
    const [whole, cdata, closing, opening, attributes, selfClosing, chars] = match;
    const top = stack[stack.length - 1] as XmlElement;
    if (opening !== undefined) {
      const attrs: Record<string, string> = {};
      for (const [, name, double, single] of (attributes ?? '').matchAll(ATTRIBUTE)) attrs[name as string] = decode(double ?? single ?? '');
      const element: XmlElement = { name: localName(opening), attrs, children: [], text: '', line };
      top.children.push(element);
      if (selfClosing !== '/') stack.push(element);
    } else if (closing !== undefined) {
      if (stack.length === 1 || top.name !== localName(closing)) throw new TypeError(`not well-formed XML at line ${line}: unexpected </${closing}>`);
      stack.pop();
    } else if (chars !== undefined || cdata !== undefined) {
      top.text += cdata ?? decode(chars as string);
    }
    for (let i = at; i < at + whole.length; i++) if (text.charCodeAt(i) === 10) line++;
  }
  if (stack.length !== 1) throw new TypeError(`not well-formed XML: <${(stack[stack.length - 1] as XmlElement).name}> is never closed`);
  return root;
}
