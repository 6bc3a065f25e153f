// OPML import: reads the feed outlines of an OPML file (any nesting) and adds the new ones to sources.yaml in place,
// keeping the operator's comments and order. Export is the publish stage's renderOpml (the same file /sources.opml
// serves). Entity declarations are refused outright: an OPML file has no use for them.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseDocument, isSeq } from 'yaml';
import { TipwireError } from '../core/errors.ts';
import { sourceSchema, type SourceConfig } from './schema.ts';
import { CONFIG_FILES, formatPath } from './load.ts';

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

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'source'
  );
}

export interface ImportResult {
  added: SourceConfig[];
  skipped: { url: string; reason: string }[];
}

/**
 * Adds the outlines whose feed URL is not configured yet. Outlines without a language attribute get `languages`
 * (the operator says what they are); every new entry is validated before the file is rewritten, atomically.
 */
export function importOpml(
  configDir: string,
  outlines: OpmlOutline[],
  defaults: { languages: string[]; country?: string },
): ImportResult {
  const path = join(configDir, CONFIG_FILES.sources);
  const doc = parseDocument(readFileSync(path, 'utf8'));
  const list = doc.get('sources', true);
  if (!isSeq(list)) throw new TipwireError('CONFIG_INVALID', `${path}: "sources" is not a list`);
  const existing = (doc.toJS() as { sources: { id: string; url: string }[] }).sources;
  const ids = new Set(existing.map((source) => source.id));
  const urls = new Set(existing.map((source) => source.url));
  const result: ImportResult = { added: [], skipped: [] };
  for (const outline of outlines) {
    if (urls.has(outline.xmlUrl)) {
      result.skipped.push({ url: outline.xmlUrl, reason: 'already configured' });
      continue;
    }
    let id = slug(outline.title);
    for (let n = 2; ids.has(id); n += 1) id = `${slug(outline.title)}-${n}`;
    const language = outline.language?.toLowerCase().slice(0, 2);
    const candidate = {
      id,
      name: outline.title,
      url: outline.xmlUrl,
      ...(outline.htmlUrl ? { homepage: outline.htmlUrl } : {}),
      ...(defaults.country ? { country: defaults.country } : {}),
      languages: language ? [language] : defaults.languages,
      tags: outline.category ? [slug(outline.category)] : [],
    };
    const checked = sourceSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      result.skipped.push({
        url: outline.xmlUrl,
        reason: `${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
      });
      continue;
    }
    list.add(doc.createNode(candidate));
    ids.add(id);
    urls.add(outline.xmlUrl);
    result.added.push(checked.data);
  }
  if (result.added.length > 0) {
    writeFileSync(`${path}.tmp`, doc.toString({ lineWidth: 0 }));
    renameSync(`${path}.tmp`, path);
  }
  return result;
}
