import type { ManifestReference } from './reference.js';
import { parseXml, type XmlElement } from './xml.js';

/** SegmentTemplate attributes that are URL templates. */
const TEMPLATE_URLS = ['media', 'initialization', 'index', 'bitstreamSwitching'] as const;
/** Elements whose `sourceURL` is requested (SegmentBase / SegmentList children). */
const SOURCE_URL_ELEMENTS = new Set(['Initialization', 'RepresentationIndex', 'BitstreamSwitching']);
/** xlink:href that points nowhere (ISO/IEC 23009-1 §5.5.3). */
const RESOLVE_TO_ZERO = 'urn:mpeg:dash:resolve-to-zero:2013';

const childrenNamed = (element: XmlElement, name: string) => element.children.filter((child) => child.name === name);

function pad(value: number | string, format: string | undefined): string {
  const width = format === undefined ? 0 : Number(format);
  return String(value).padStart(width, '0');
}

/** Fills a template's identifiers ($RepresentationID$, $Number%05d$…) with sample values of this Representation. */
function expand(template: string, representation: XmlElement, startNumber: string | undefined): string {
  return template.replace(/\$(RepresentationID|Number|Time|Bandwidth|SubNumber|)(?:%0(\d+)d)?\$/g, (_whole, name: string, width?: string) => {
    switch (name) {
      case '':
        return '$';
      case 'RepresentationID':
        return representation.attrs.id ?? '';
      case 'Bandwidth':
        return pad(representation.attrs.bandwidth ?? '0', width);
      case 'Number':
        return pad(startNumber ?? '1', width);
      case 'Time':
        return pad(0, width);
      default:
        return pad(1, width);
    }
  });
}

/** What one level (Period, AdaptationSet, Representation) adds to what it inherits. */
interface Scope {
  readonly via: readonly string[];
  readonly template: Readonly<Record<string, string>>;
  readonly segmentElements: readonly XmlElement[];
}

function enter(scope: Scope, element: XmlElement): Scope {
  const base = childrenNamed(element, 'BaseURL')[0];
  const template = childrenNamed(element, 'SegmentTemplate')[0];
  const lists = [...childrenNamed(element, 'SegmentList'), ...childrenNamed(element, 'SegmentBase')];
  return {
    via: base === undefined ? scope.via : [...scope.via, base.text.trim()],
    template: template === undefined ? scope.template : { ...scope.template, ...template.attrs },
    segmentElements: lists.length > 0 ? lists : scope.segmentElements,
  };
}

function label(representation: XmlElement): string {
  return `Representation "${representation.attrs.id ?? '?'}"`;
}

function representationReferences(scope: Scope, representation: XmlElement, out: ManifestReference[]): void {
  const via = scope.via;
  const templated = TEMPLATE_URLS.filter((name) => scope.template[name] !== undefined);
  for (const name of templated) {
    const uri = expand(scope.template[name] as string, representation, scope.template.startNumber);
    out.push({ uri, via, where: `line ${representation.line}, ${label(representation)} SegmentTemplate@${name}` });
  }
  for (const list of scope.segmentElements) {
    for (const child of list.children) {
      const names = child.name === 'SegmentURL' ? ['media', 'index'] : SOURCE_URL_ELEMENTS.has(child.name) ? ['sourceURL'] : [];
      for (const name of names) {
        const uri = child.attrs[name];
        if (uri !== undefined) out.push({ uri, via, where: `line ${child.line}, ${label(representation)} ${child.name}@${name}` });
      }
    }
  }
  // Neither a template nor a list of segments: the Representation's BaseURL is the media file itself (SegmentBase).
  if (templated.length === 0 && !scope.segmentElements.some((list) => list.name === 'SegmentList') && via.length > 0) {
    out.push({ uri: '', via, where: `line ${representation.line}, ${label(representation)} media (its BaseURL)` });
  }
}

/** Every BaseURL, Location, xlink:href and element that names a URL, in document order. */
function declaredReferences(element: XmlElement, via: readonly string[], out: ManifestReference[]): void {
  for (const child of element.children) {
    if (child.name === 'BaseURL') out.push({ uri: child.text.trim(), via, where: `line ${child.line}, BaseURL`, base: true });
    if (child.name === 'Location' || child.name === 'PatchLocation') out.push({ uri: child.text.trim(), via, where: `line ${child.line}, ${child.name}` });
    const href = Object.entries(child.attrs).find(([name]) => name === 'href' || name.endsWith(':href'))?.[1];
    if (href !== undefined && href !== RESOLVE_TO_ZERO) out.push({ uri: href, via, where: `line ${child.line}, ${child.name}@xlink:href` });
  }
}

/**
 * Every URL a DASH MPD makes a player request, each with the BaseURLs it
 * resolves through (MPD → Period → AdaptationSet → Representation; the first
 * BaseURL of a level is the one resolved through, the others are alternatives
 * and are checked as written). SegmentTemplate attributes are inherited and
 * their identifiers filled with each Representation's values.
 */
export function dashReferences(text: string): ManifestReference[] {
  const mpd = parseXml(text).children.find((child) => child.name === 'MPD');
  if (mpd === undefined) throw new TypeError('not a DASH MPD: no <MPD> root element');
  const out: ManifestReference[] = [];
  const top = enter({ via: [], template: {}, segmentElements: [] }, mpd);
  declaredReferences(mpd, [], out);
  for (const period of childrenNamed(mpd, 'Period')) {
    const inPeriod = enter(top, period);
    declaredReferences(period, top.via, out);
    for (const set of childrenNamed(period, 'AdaptationSet')) {
      const inSet = enter(inPeriod, set);
      declaredReferences(set, inPeriod.via, out);
      for (const representation of childrenNamed(set, 'Representation')) {
        declaredReferences(representation, inSet.via, out);
        representationReferences(enter(inSet, representation), representation, out);
      }
    }
  }
  return out;
}
