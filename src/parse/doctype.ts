// The DOCTYPE is where XML attacks live (billion laughs, external entities), so no XML parser ever sees one:
// we read its internal subset ourselves, refuse what is dangerous and hand the parsers a document without it.
// Rules: external entities (SYSTEM/PUBLIC, general or parameter) → PARSE_UNSAFE; an entity whose value refers to
// another entity (the building block of expansion attacks) → PARSE_UNSAFE; plain-text internal entities are
// substituted by us with a budget on the total size; the DOCTYPE declaration itself is then removed.

import { TipwireError } from '../core/errors.ts';

const MAX_ENTITIES = 64;
const MAX_EXPANDED_CHARS = 1_000_000;

export interface Dedoctyped {
  text: string;
  /** True when a DOCTYPE with declarations was removed (the document was not plain XML). */
  hadDoctype: boolean;
}

/** Remove the DOCTYPE, expanding simple internal entities; throws PARSE_UNSAFE on dangerous declarations. */
export function stripDoctype(text: string, url: string): Dedoctyped {
  const start = text.search(/<!DOCTYPE/i);
  // A DOCTYPE is only meaningful in the prolog; one further down is text inside CDATA or a broken document.
  if (
    start < 0 ||
    start > 4096 ||
    /<[a-zA-Z]/.test(text.slice(0, start).replace(/<\?[^]*?\?>|<!--[^]*?-->/g, ''))
  ) {
    return { text, hadDoctype: false };
  }
  const end = doctypeEnd(text, start);
  if (end < 0) return { text, hadDoctype: false };
  const decl = text.slice(start, end);
  const subsetStart = decl.indexOf('[');
  const subset = subsetStart >= 0 ? decl.slice(subsetStart + 1, decl.lastIndexOf(']')) : '';
  const entities = new Map<string, string>();
  const entityRe = /<!ENTITY\s+(%\s+)?([^\s"'>]+)\s+([^>]*?)>/g;
  let count = 0;
  for (const m of subset.matchAll(entityRe)) {
    count += 1;
    const isParameter = m[1] !== undefined;
    const name = m[2] ?? '';
    const body = (m[3] ?? '').trim();
    if (/^(SYSTEM|PUBLIC)\b/i.test(body)) {
      throw new TipwireError(
        'PARSE_UNSAFE',
        `${url}: the document declares an external entity "${name}"; refused`,
        {
          details: { entity: name },
        },
      );
    }
    if (count > MAX_ENTITIES) {
      throw new TipwireError(
        'PARSE_UNSAFE',
        `${url}: the document declares more than ${MAX_ENTITIES} entities`,
      );
    }
    const quoted = /^(["'])([^]*)\1$/.exec(body);
    const value = quoted?.[2] ?? '';
    if (/[&%][^\s;]+;/.test(value) && !/^(?:&#\d+;|&#x[0-9a-f]+;|[^&%])*$/i.test(value)) {
      throw new TipwireError(
        'PARSE_UNSAFE',
        `${url}: entity "${name}" refers to other entities (an entity-expansion attack); refused`,
        { details: { entity: name } },
      );
    }
    if (!isParameter) entities.set(name, value);
  }
  let rest = text.slice(0, start) + text.slice(end);
  if (entities.size > 0) {
    let expanded = 0;
    rest = rest.replace(/&([A-Za-z_][\w.-]*);/g, (whole, name: string) => {
      const value = entities.get(name);
      if (value === undefined) return whole;
      expanded += value.length;
      if (expanded > MAX_EXPANDED_CHARS) {
        throw new TipwireError(
          'PARSE_UNSAFE',
          `${url}: entity expansion exceeds ${MAX_EXPANDED_CHARS} characters`,
        );
      }
      return value;
    });
  }
  return { text: rest, hadDoctype: subset.trim() !== '' };
}

function doctypeEnd(text: string, start: number): number {
  let depth = 0;
  let quote = '';
  for (let i = start + 9; i < text.length; i += 1) {
    const c = text[i];
    if (quote !== '') {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth += 1;
    else if (c === ']') depth -= 1;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return -1;
}
