// OPML import: reads the feed outlines of an OPML file (any nesting); appendSources adds new entries to sources.yaml
// as text, leaving the rest of the hand-edited file exactly as it was (jobs/import-sources.ts decides the entries).
// Export is the publish stage's renderOpml (the same file /sources.opml serves). Entity declarations are refused
// outright: an OPML file has no use for them.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import { TipwireError } from '../core/errors.ts';
import { CONFIG_FILES } from './load.ts';

export interface OpmlOutline {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  language?: string;
  category?: string;
}

export function parseOpml(text: string, file: string): OpmlOutline[] {
  if (/<!ENTITY/i.test(text))
    throw new TipwireError('CONFIG_INVALID', `${file}: OPML with entity declarations is refused`);
  let doc: unknown;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      processEntities: true,
      isArray: (name) => name === 'outline',
    }).parse(text, true);
  } catch (cause) {
    throw new TipwireError('CONFIG_INVALID', `${file}: not well-formed OPML: ${(cause as Error).message}`, {
      cause,
    });
  }
  const out: OpmlOutline[] = [];
  const walk = (node: unknown, category?: string): void => {
    if (!node || typeof node !== 'object') return;
    for (const outline of ((node as { outline?: unknown[] }).outline ?? []) as Record<string, unknown>[]) {
      const title = String(outline.title ?? outline.text ?? '').trim();
      const xmlUrl = typeof outline.xmlUrl === 'string' ? outline.xmlUrl.trim() : '';
      if (xmlUrl) {
        out.push({
          title: title || xmlUrl,
          xmlUrl,
          htmlUrl: typeof outline.htmlUrl === 'string' ? outline.htmlUrl : undefined,
          language: typeof outline.language === 'string' ? outline.language : undefined,
          category,
        });
      }
      walk(outline, xmlUrl ? category : title || category);
    }
  };
  walk((doc as { opml?: { body?: unknown } }).opml?.body);
  if (out.length === 0 && !(doc as { opml?: unknown }).opml)
    throw new TipwireError('CONFIG_INVALID', `${file}: no <opml> root element`);
  return out;
}

export interface NewSource {
  /** The fields to write, in this order. */
  entry: Record<string, string | string[]>;
  /** Comment lines written above the entry (what was guessed). */
  comments: string[];
}

/** A YAML scalar as the file would have it: plain when that reads back the same, quoted otherwise. */
function scalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/**
 * Appends entries to the sources list of sources.yaml as text, so everything else in the file (comments, flow lists
 * like `[en]`, quoting, blank lines) stays byte for byte as the operator wrote it. The new entries follow the
 * indentation and list style of the entries already there. Written atomically; returns the lines that were added.
 */
export function appendSources(
  configDir: string,
  sources: NewSource[],
): { path: string; from: number; to: number } {
  const path = join(configDir, CONFIG_FILES.sources);
  const text = readFileSync(path, 'utf8');
  const doc = parseDocument(text);
  const list = doc.get('sources', true);
  if (list !== undefined && !isSeq(list))
    throw new TipwireError('CONFIG_INVALID', `${path}: "sources" is not a list`);
  const first = isSeq(list) && !list.flow ? list.items[0] : undefined;
  // The first entry tells the style: where its dash is, and whether its lists are written [like, this].
  let dash = '  ';
  let flowLists = true;
  if (isMap(first) && first.range) {
    const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
    const prefix = text.slice(lineStart, first.range[0]);
    if (/^ *- +$/.test(prefix)) dash = ' '.repeat(prefix.indexOf('-'));
    const languages = first.get('languages', true);
    flowLists = !isSeq(languages) || Boolean(languages.flow);
  }
  const indent = `${dash}  `;
  const block = sources
    .map(({ entry, comments }) => {
      const lines = comments.map((comment) => `${dash}# ${comment}`);
      Object.entries(entry).forEach(([key, value], index) => {
        const lead = index === 0 ? `${dash}- ` : indent;
        if (!Array.isArray(value)) lines.push(`${lead}${key}: ${scalar(value)}`);
        else if (flowLists || value.length === 0)
          lines.push(`${lead}${key}: [${value.map(scalar).join(', ')}]`);
        else lines.push(`${lead}${key}:`, ...value.map((item) => `${indent}  - ${scalar(item)}`));
      });
      return lines.join('\n');
    })
    .join('\n');

  let out: string;
  let at: number;
  if (isSeq(list) && !list.flow && list.items.length > 0) {
    // After the last entry, before whatever follows it (blank lines, commented-out entries, other keys).
    at = (list.items.at(-1) as { range?: [number, number, number] }).range?.[2] ?? text.length;
    const head = text.slice(0, at);
    out = `${head}${head.endsWith('\n') ? '' : '\n'}${block}\n${text.slice(at)}`;
  } else if (isSeq(list) && list.range) {
    // `sources: []`: the empty flow list becomes a block list.
    at = list.range[0];
    out = `${text.slice(0, at).trimEnd()}\n${block}\n${text.slice(list.range[1]).replace(/^[ \t]*\n?/, '')}`;
  } else {
    at = text.length;
    out = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}sources:\n${block}\n`;
  }
  writeFileSync(`${path}.tmp`, out);
  renameSync(`${path}.tmp`, path);
  const from = out.slice(0, at).split('\n').length + (out[at - 1] === '\n' || at === 0 ? 0 : 1);
  return { path, from, to: from + block.split('\n').length - 1 };
}
