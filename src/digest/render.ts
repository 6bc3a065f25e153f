// Turns composed content into a mail: subject, preheader, HTML and plain text. The MJML templates are compiled
// once (compileTemplates, strict validation, includes confined to the templates folder) into fill functions;
// rendering one subscriber is then only compose + fill, a fraction of a millisecond, never an MJML compile.
// Size budget: titles and summaries are shortened per story, so no one story can blow the budget; when the HTML still
// exceeds maxHtmlBytes (Gmail clips above ~102 KB) the per-topic cap shrinks (never below one story per section) and
// the content is filled again; the stories left out are counted in each section's "more in the web view" link.
// The text part is built from the same view, readable alone: headings, one story per paragraph, URLs on own lines.
// The period a digest names is the days its stories were published (compose.ts rule 5), in the reader's zone; only
// an empty digest names its window's days. The view (digestView) is also what the web archive page renders.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClassifiedItem, StoryView, Subscriber } from '../core/types.ts';
import { TipwireError } from '../core/errors.ts';
import { compileFill, type Fill } from './fill.ts';
import { composeDigest, type DigestContent, type Preferences } from './compose.ts';
import {
  asLocale,
  countryName,
  languageName,
  localDay,
  longDate,
  periodLabel,
  shortDate,
  WORDS,
  type Locale,
} from './i18n.ts';

export interface DigestTemplates {
  digest: Fill;
  confirm: Fill;
  /** Milliseconds the MJML compiles took (both templates). */
  compileMs: number;
}

export interface MjmlResult {
  html: string;
  errors: { formattedMessage?: string; message?: string; line?: number }[];
}

/** One MJML compile with strict validation; the mjml module (about a second to import) loads on first use. */
export async function compileMjml(file: string, templatesDir: string): Promise<MjmlResult> {
  const { default: mjml2html } = await import('mjml');
  const source = readFileSync(file, 'utf8');
  try {
    return (await mjml2html(source, {
      validationLevel: 'strict',
      filePath: file,
      ignoreIncludes: false,
      includePath: resolve(templatesDir),
    })) as MjmlResult;
  } catch (cause) {
    const errors = (cause as { errors?: MjmlResult['errors'] }).errors ?? [];
    const detail = errors.map((e) => e.formattedMessage ?? e.message).join('; ') || String(cause);
    throw new TipwireError('CONFIG_INVALID', `template ${file}: MJML validation failed: ${detail}`, {
      cause,
    });
  }
}

/** Compiles digest.mjml and confirm.mjml once; call at start or once per run. */
export async function compileTemplates(dir: string): Promise<DigestTemplates> {
  const started = performance.now();
  const digestFile = join(dir, 'digest.mjml');
  const confirmFile = join(dir, 'confirm.mjml');
  const [digest, confirm] = [await compileMjml(digestFile, dir), await compileMjml(confirmFile, dir)];
  return {
    digest: compileFill(digest.html, digestFile),
    confirm: compileFill(confirm.html, confirmFile),
    compileMs: performance.now() - started,
  };
}

export interface DigestLinks {
  preferences: string;
  unsubscribe: string;
  /** The mail as a web page (the period's archive page, as this subscriber gets it). */
  view: string;
  /** The web view of one topic (where "more" links lead). */
  topic(topicId: string): string;
}

export interface RenderContext {
  subscriber: Subscriber;
  /** The zone dates are shown in. */
  timeZone: string;
  /** The window's local days: the period an empty digest names (one with stories names their publication days). */
  firstDay: string;
  lastDay: string;
  topicOrder: string[];
  /** Topic id → display names per locale. */
  topicNames: Map<string, Record<string, string>>;
  sourceNames: Map<string, string>;
  links: DigestLinks;
  maxPerTopic: number;
  maxHtmlBytes: number;
}

export interface RenderedMail {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

export interface RenderedDigest extends RenderedMail {
  /** Stories in the digest (the subject's count). */
  total: number;
  /** Stories shown in full (the rest are behind "more" links). */
  shown: number;
  /** The per-topic cap the size budget settled on. */
  cap: number;
}

const SUMMARY_CHARS = 220;
// A headline longer than this is shortened in the mail, so no single story can push the digest over its budget.
const TITLE_CHARS = 200;

/** About two lines of text: cut at a word boundary, with an ellipsis. */
export function twoLines(text: string, max = SUMMARY_CHARS): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:–—-]+$/, '')}…`;
}

function safeLink(item: ClassifiedItem): string | undefined {
  for (const candidate of [item.link, item.url]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
    } catch {
      // not a URL: try the next
    }
  }
  return undefined;
}

interface StoryViewModel {
  title: string;
  url: string;
  source: string;
  date: string;
  language: string;
  summary: string;
  also?: { text: string } | undefined;
  /** The story's other countries, named ("Russia, Türkiye"). */
  places?: { text: string } | undefined;
}

export interface DigestViewModel {
  lang: Locale;
  subject: string;
  preheader: string;
  heading: string;
  periodLabel: string;
  countLabel: string;
  choicesLabel: string;
  choices: string;
  changeLabel: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
  unsubscribeLabel: string;
  viewUrl: string;
  viewLabel: string;
  alsoLabel: string;
  placesLabel: string;
  whyLabel: string;
  emptyNote: string;
  /** The table of stories per topic; a bar is the share of the largest count, in percent (none for zero). */
  counts?:
    | {
        caption: string;
        topicColumn: string;
        storiesColumn: string;
        rows: {
          id: string;
          name: string;
          count: number;
          bar?: { filled: number; rest?: { width: number } | undefined } | undefined;
        }[];
      }
    | undefined;
  topics: {
    id: string;
    name: string;
    countries: { name: string; stories: StoryViewModel[] }[];
    more?: { url: string; label: string } | undefined;
  }[];
}

function topicName(ctx: RenderContext, id: string, locale: Locale): string {
  const names = ctx.topicNames.get(id);
  return names?.[locale] ?? names?.en ?? id;
}

function sourceName(ctx: RenderContext, item: ClassifiedItem): string {
  return item.sourceName ?? ctx.sourceNames.get(item.sourceId) ?? item.sourceId;
}

/** The period a digest names, the same in its subject, header, the preview and the archive page. */
export function digestPeriod(
  content: Pick<DigestContent, 'published'>,
  ctx: Pick<RenderContext, 'timeZone' | 'firstDay' | 'lastDay'>,
  locale: Locale,
): string {
  return content.published
    ? periodLabel(
        localDay(content.published.first, ctx.timeZone),
        localDay(content.published.last, ctx.timeZone),
        locale,
      )
    : periodLabel(ctx.firstDay, ctx.lastDay, locale);
}

/** What the templates and the text part show, in the subscriber's locale; also rendered by the web archive. */
export function digestView(content: DigestContent, ctx: RenderContext): DigestViewModel {
  const locale = asLocale(ctx.subscriber.locale);
  const words = WORDS[locale];
  const period = digestPeriod(content, ctx, locale);
  const firstTitle = content.topics[0]?.countries[0]?.stories[0]?.item.title;
  const s = ctx.subscriber;
  const choices = [
    s.topics.length ? s.topics.map((t) => topicName(ctx, t, locale)).join(', ') : words.allTopics,
    s.countries.length ? s.countries.map((c) => countryName(c, locale)).join(', ') : words.allCountries,
    s.languages.length ? s.languages.map((l) => languageName(l)).join(', ') : words.allLanguages,
  ].join(' · ');
  const story = (
    picked: DigestContent['topics'][number]['countries'][number]['stories'][number],
    topic: string,
  ): StoryViewModel => {
    const byLanguage = new Map<string, string[]>();
    for (const other of picked.others) {
      const name = other.language ? languageName(other.language) : '?';
      byLanguage.set(name, [...(byLanguage.get(name) ?? []), sourceName(ctx, other)]);
    }
    const also = [...byLanguage.entries()].map(
      ([language, sources]) => `${language}: ${[...new Set(sources)].join(', ')}`,
    );
    return {
      title: twoLines(picked.item.title, TITLE_CHARS),
      url: safeLink(picked.item) ?? ctx.links.topic(topic),
      source: sourceName(ctx, picked.item),
      date: shortDate(picked.item.publishedAt, ctx.timeZone, locale),
      language: picked.item.language ? languageName(picked.item.language) : '',
      summary: twoLines(picked.item.summary),
      also: also.length ? { text: also.join('; ') } : undefined,
      places: picked.otherCountries.length
        ? { text: picked.otherCountries.map((c) => countryName(c, locale)).join(', ') }
        : undefined,
    };
  };
  const largest = Math.max(0, ...content.counts.map((c) => c.count));
  return {
    lang: locale,
    subject: words.subject(period, content.total),
    preheader: words.preheader(content.total, firstTitle),
    heading: words.heading,
    periodLabel: period,
    countLabel: words.count(content.total),
    choicesLabel: words.choicesLabel,
    choices,
    changeLabel: words.change,
    preferencesUrl: ctx.links.preferences,
    unsubscribeUrl: ctx.links.unsubscribe,
    unsubscribeLabel: words.unsubscribe,
    viewUrl: ctx.links.view,
    viewLabel: words.viewInBrowser,
    alsoLabel: words.alsoIn,
    placesLabel: words.alsoAbout,
    whyLabel: words.why(
      s.email,
      s.frequency,
      s.confirmedAt ? longDate(s.confirmedAt, ctx.timeZone, locale) : undefined,
    ),
    emptyNote: words.empty,
    counts:
      content.total > 0
        ? {
            caption: words.countsCaption,
            topicColumn: words.topicColumn,
            storiesColumn: words.storiesColumn,
            rows: content.counts.map(({ topic, count }) => {
              // At least a sliver for any story at all, so 1 of 300 still shows.
              const filled = count === 0 ? 0 : Math.max(2, Math.round((count / largest) * 100));
              return {
                id: topic,
                name: topicName(ctx, topic, locale),
                count,
                bar:
                  filled === 0
                    ? undefined
                    : { filled, rest: filled < 100 ? { width: 100 - filled } : undefined },
              };
            }),
          }
        : undefined,
    topics: content.topics.map((group) => ({
      id: group.topic,
      name: topicName(ctx, group.topic, locale),
      countries: group.countries.map((c) => ({
        name: countryName(c.country, locale),
        stories: c.stories.map((picked) => story(picked, group.topic)),
      })),
      more:
        group.total > group.shown
          ? {
              url: ctx.links.topic(group.topic),
              label: words.more(group.total - group.shown, topicName(ctx, group.topic, locale)),
            }
          : undefined,
    })),
  };
}

/** Wraps prose at 76 columns; a word longer than that (a URL) stays whole on its own line. */
function wrap(text: string, indent = '', width = 76): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

/** The counts as a plain-text table: names padded, counts right-aligned. */
function countsText(counts: NonNullable<DigestViewModel['counts']>): string[] {
  const width = Math.min(40, Math.max(counts.topicColumn.length, ...counts.rows.map((r) => r.name.length)));
  const digits = Math.max(counts.storiesColumn.length, ...counts.rows.map((r) => String(r.count).length));
  const line = (name: string, count: string): string => `  ${name.padEnd(width)}  ${count.padStart(digits)}`;
  return [
    `${counts.caption}:`,
    line(counts.topicColumn, counts.storiesColumn),
    ...counts.rows.map((r) => line(r.name, String(r.count))),
    '',
  ];
}

function textPart(view: DigestViewModel): string {
  const out: string[] = [
    view.heading,
    `${view.periodLabel} · ${view.countLabel}`,
    `${view.viewLabel}: ${view.viewUrl}`,
    '',
  ];
  out.push(wrap(`${view.choicesLabel} ${view.choices}.`), `${view.changeLabel}: ${view.preferencesUrl}`, '');
  if (view.counts) out.push(...countsText(view.counts));
  if (view.topics.length === 0) out.push(wrap(view.emptyNote), '');
  for (const topic of view.topics) {
    out.push(`== ${topic.name} ==`, '');
    for (const country of topic.countries) {
      out.push(`-- ${country.name} --`, '');
      for (const story of country.stories) {
        out.push(wrap(`* ${story.title}`), `  ${story.source} · ${story.date} · ${story.language}`);
        if (story.summary) out.push(wrap(story.summary, '  '));
        out.push(`  ${story.url}`);
        if (story.places) out.push(wrap(`${view.placesLabel} ${story.places.text}`, '  '));
        if (story.also) out.push(wrap(`${view.alsoLabel} ${story.also.text}`, '  '));
        out.push('');
      }
    }
    if (topic.more) out.push(`${topic.more.label}:`, topic.more.url, '');
  }
  out.push(
    '-- ',
    wrap(view.whyLabel),
    `${view.changeLabel}: ${view.preferencesUrl}`,
    `${view.unsubscribeLabel}: ${view.unsubscribeUrl}`,
    '',
  );
  return out.join('\n');
}

/** Composes and fills one subscriber's digest, shrinking the per-topic cap until the HTML fits the budget. */
export function renderDigest(
  stories: StoryView[],
  templates: DigestTemplates,
  ctx: RenderContext,
): RenderedDigest {
  const prefs: Preferences = ctx.subscriber;
  let cap = ctx.maxPerTopic;
  for (;;) {
    const content = composeDigest(stories, prefs, { topicOrder: ctx.topicOrder, cap });
    const view = digestView(content, ctx);
    const html = templates.digest(view as unknown as Record<string, unknown>);
    if (Buffer.byteLength(html) <= ctx.maxHtmlBytes || cap <= 1) {
      return {
        subject: view.subject,
        preheader: view.preheader,
        html,
        text: textPart(view),
        total: content.total,
        shown: content.shown,
        cap,
      };
    }
    // Shrink faster while far over budget: a few refills, not one per story.
    const ratio = ctx.maxHtmlBytes / Buffer.byteLength(html);
    cap = Math.min(cap - 1, Math.floor(cap * ratio));
    // Every section keeps its newest story: the budget shortens sections, it never empties one.
    cap = Math.max(cap, 1);
  }
}

export function renderConfirm(
  templates: DigestTemplates,
  input: { locale: string; email: string; confirmUrl: string },
): RenderedMail {
  const locale = asLocale(input.locale);
  const words = WORDS[locale].confirm;
  const view = {
    lang: locale,
    subject: words.subject,
    preheader: words.preheader,
    heading: words.heading,
    intro: words.intro(input.email),
    confirmUrl: input.confirmUrl,
    buttonLabel: words.button,
    ignoreNote: words.ignore,
  };
  const text = [
    words.heading,
    '',
    wrap(view.intro),
    '',
    `${words.button}:`,
    input.confirmUrl,
    '',
    wrap(words.ignore),
    '',
  ].join('\n');
  return { subject: words.subject, preheader: words.preheader, html: templates.confirm(view), text };
}
