// What a digest says, end to end through the real store, the digest job and a real SMTP server (smtp-server on
// 127.0.0.1, read back with mailparser), for the situation issue 13 describes: a weekly poll brings stories
// published 22–28 Nov in the week of 30 Nov, so the digest sent on 7 Dec covers stories first seen 30 Nov – 6 Dec.
// It must name 22–28 Nov in its subject and header, and `digest preview` on 1 Dec must name the same days. A Kyrgyz
// court case that names the Emirates sits under Kyrgyzstan with the Emirates named in its entry; a Samarkand forum
// reported by an Uzbek outlet whose text names no country sits under Uzbekistan; the counts per topic come as a
// table in the HTML and the text part.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifiedItem, StoryView } from '../../src/core/types.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createSmtpMailer } from '../../src/digest/mailer.ts';
import { compileTemplates, type DigestTemplates } from '../../src/digest/render.ts';
import { DEFAULT_TEMPLATES_DIR, previewDigest, runDigests } from '../../src/jobs/digest.ts';
import type { Store } from '../../src/store/port.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { settle, startSmtp, testConfig, type TestSmtp } from './helpers.ts';

const kind = sqliteKind();
let templates: DigestTemplates;
let smtp: TestSmtp | undefined;

beforeAll(async () => {
  templates = await compileTemplates(DEFAULT_TEMPLATES_DIR);
});
afterEach(async () => smtp?.close());
afterAll(() => kind.cleanup());

interface Seed {
  id: string;
  title: string;
  topics: string[];
  /** What the classifier found in the title and lead of the (only) item. */
  mentioned: string[];
  /** The outlet's country. */
  outlet?: string;
  publishedAt: string;
  firstSeenAt: string;
}

/** Writes each story as the poll job would: the item, its classification, then the story with its countries. */
async function seed(store: Store, seeds: Seed[]): Promise<void> {
  const items: ClassifiedItem[] = seeds.map((s) => ({
    id: `${s.id}-i`,
    sourceId: s.outlet === 'uz' ? 'kun-uz' : '24kg-en',
    url: `https://news.example/${s.id}`,
    link: `https://news.example/${s.id}`,
    title: s.title,
    summary: `${s.title}. More in the article.`,
    categories: [],
    publishedAt: s.publishedAt,
    language: 'en',
    country: s.outlet,
    fetchedAt: s.firstSeenAt,
  }));
  await store.upsertItems(items);
  for (const s of seeds) {
    await store.saveClassification(
      `${s.id}-i`,
      {
        language: 'en',
        topics: s.topics.map((topic) => ({ topic, score: 2, evidence: [] })),
        countries: s.mentioned,
      },
      'test',
    );
  }
  const stories: Omit<StoryView, 'representative' | 'items'>[] = seeds.map((s) => ({
    id: s.id,
    representativeItemId: `${s.id}-i`,
    topics: s.topics,
    // As the clusterer keeps them: the union over the items, sorted (so "ae" comes before "kg").
    countries: [...new Set([...s.mentioned, ...(s.outlet ? [s.outlet] : [])])].sort(),
    languages: ['en'],
    firstSeenAt: s.firstSeenAt,
    updatedAt: s.firstSeenAt,
  }));
  await store.saveStories(
    stories,
    seeds.map((s) => ({ itemId: `${s.id}-i`, storyId: s.id })),
  );
}

// Published Sunday 22 – Saturday 28 Nov 2026; first seen by a poll on Monday 30 Nov and the day after.
const SEEDS: Seed[] = [
  {
    id: 'court',
    title: 'Court jails recruiter who sent Kyrgyz women to the Emirates',
    topics: ['trafficking'],
    mentioned: ['kg', 'ae'],
    outlet: 'kg',
    publishedAt: '2026-11-22T09:00:00.000Z',
    firstSeenAt: '2026-11-30T09:00:00.000Z',
  },
  {
    id: 'forum',
    title: 'Forum in Samarkand discusses safe labour migration',
    topics: ['labour-migration'],
    mentioned: [],
    outlet: 'uz',
    publishedAt: '2026-11-26T05:00:00.000Z',
    firstSeenAt: '2026-11-30T09:05:00.000Z',
  },
  {
    id: 'remit',
    title: 'Remittances from Russia to Tajikistan fall',
    topics: ['labour-migration'],
    mentioned: ['tj', 'ru'],
    publishedAt: '2026-11-28T12:00:00.000Z',
    firstSeenAt: '2026-12-01T08:00:00.000Z',
  },
];

describe('what the digest says', () => {
  it('names the days its stories were published, everywhere; groups by where it happened; counts per topic', async () => {
    smtp = await startSmtp();
    const store = await kind.open();
    const config = testConfig();
    const mailer = createSmtpMailer({
      url: smtp.url,
      maxConnections: 1,
      rateLimitPerSecond: 0,
      timeoutMs: 5000,
      log: silentLogger,
    });
    await seed(store, SEEDS);
    const subscriber = await store.digest.addSubscriber({
      email: 'reader@example.org',
      locale: 'en',
      timeZone: 'Asia/Bishkek',
      topics: [],
      countries: [],
      languages: [],
      frequency: 'weekly',
      status: 'active',
      createdAt: '2026-10-01T00:00:00.000Z',
      confirmedAt: '2026-10-01T00:00:00.000Z',
    });

    // The preview on Tuesday 1 Dec, after the last story came in.
    const preview = await previewDigest(
      { store, config, templates },
      subscriber,
      new Date('2026-12-01T10:00:00.000Z'),
    );
    expect(preview.subject).toBe('Trafficking & migration digest, 22–28 Nov 2026: 3 stories');

    // The send on Monday 7 Dec 07:00 in Bishkek: the window is 30 Nov – 6 Dec, the stories are of 22–28 Nov.
    const deps = { store, mailer, config, log: silentLogger, templates };
    expect(await runDigests(deps, { now: new Date('2026-12-07T01:00:00.000Z') })).toMatchObject({ sent: 1 });
    await settle(smtp);
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!.parsed;
    expect(mail.subject).toBe(preview.subject);
    expect(mail.subject).not.toContain('30 Nov');
    expect(mail.text).toMatch(/^22–28 Nov 2026 · 3 stories$/m);
    expect(mail.html).toContain('22–28 Nov 2026 · 3 stories');
    expect(preview.text.split('\n').slice(0, 2)).toEqual(mail.text?.split('\n').slice(0, 2));

    // Grouping: under the country where it happened, the others named in the entry.
    const text = mail.text ?? '';
    const section = (name: string): string => text.split(`-- ${name} --`)[1]?.split(/\n-- |\n== /)[0] ?? '';
    expect(section('Kyrgyzstan')).toContain('Court jails recruiter');
    expect(section('Kyrgyzstan')).toContain('Also about: United Arab Emirates');
    expect(text).not.toContain('-- United Arab Emirates --');
    expect(section('Uzbekistan')).toContain('Forum in Samarkand');
    expect(section('Tajikistan')).toContain('Remittances from Russia');
    expect(section('Tajikistan')).toContain('Also about: Russia');
    expect(mail.html).toMatch(/Court jails recruiter[\s\S]*Also about: United Arab Emirates/);

    // The counts as a table in both parts: every configured topic, zeros included.
    expect(text).toMatch(
      /Stories by topic:\n {2}Topic +Stories\n {2}Trafficking in persons +1\n {2}Labour migration +2\n {2}Borders and asylum +0\n/,
    );
    expect(mail.html).toContain('Stories by topic');
    const rows = [
      ...(mail.html || '').matchAll(/<tr>\s*<td align="left">([^<]+)<\/td>\s*<td align="right">(\d+)<\/td>/g),
    ].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual([
      ['Trafficking in persons', 1],
      ['Labour migration', 2],
      ['Borders and asylum', 0],
    ]);
    await mailer.close();
    await store.close();
  });
});
