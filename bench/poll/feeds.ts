// Generated feeds and the local server that serves them, for bench/poll and bench/scale.
// Feed i is an RSS 2.0 document of ~60 items (~2.2 KB each: title, description, content:encoded with links and an
// image, categories, dates), English or Russian by i, with ~8 % of items on topic (trafficking, labour migration…)
// and ~5 % copies of a shared wire story published by several feeds (so clustering has copies to join). Everything
// comes from one seeded generator, so every run serves the same bytes. Feeds are spread over several 127.0.0.x
// addresses (one listening socket per address, same port) so a client's per-host limit applies as it would on the
// real web; each answers with a strong ETag and Last-Modified, gzip when asked, and 304 to a matching validator.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

let seed = 20260101;
function random(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 0x100000000;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

function syllables(letters: string[], count: number): string[] {
  const words = new Set<string>();
  while (words.size < count) {
    let word = '';
    for (let k = int(1, 3); k > 0; k -= 1) word += pick(letters) + pick(letters);
    words.add(word);
  }
  return [...words];
}
const LATIN = syllables('ba ke ri to mu sa ne li po da ru ve ko mi ta lo ge fu'.split(' '), 6000);
const CYRILLIC = syllables('ба ке ри то му са не ли по да ру ве ко ми та ло ге фу'.split(' '), 6000);
const PLACES = {
  en: [
    'Bishkek',
    'Osh',
    'Tashkent',
    'Samarkand',
    'Almaty',
    'Astana',
    'Dushanbe',
    'Ashgabat',
    'Moscow',
    'Dubai',
  ],
  ru: ['Бишкек', 'Ош', 'Ташкент', 'Самарканд', 'Алматы', 'Астана', 'Душанбе', 'Ашхабад', 'Москва', 'Дубай'],
};
const ON_TOPIC = {
  en: [
    'police free victims of human trafficking',
    'labour migrants face new entry rules',
    'smugglers detained with migrants at the border',
    'refugees register with the migration service',
    'court jails traffickers for forced labour',
  ],
  ru: [
    'полиция освободила жертв торговли людьми',
    'трудовые мигранты столкнулись с новыми правилами въезда',
    'задержаны контрабандисты с мигрантами на границе',
    'беженцы зарегистрированы миграционной службой',
    'суд осудил торговцев людьми за принудительный труд',
  ],
};

type Lang = 'en' | 'ru';
interface Story {
  lang: Lang;
  title: string;
  summary: string;
  paragraphs: string[];
}

function words(lang: Lang, n: number): string {
  const vocabulary = lang === 'en' ? LATIN : CYRILLIC;
  const out: string[] = [];
  for (let k = 0; k < n; k += 1) out.push(pick(vocabulary));
  return out.join(' ');
}

function story(lang: Lang, onTopic: boolean): Story {
  const place = pick(PLACES[lang]);
  const number = int(2, 9000);
  const topic = onTopic ? ` ${pick(ON_TOPIC[lang])}` : '';
  return {
    lang,
    title: `${words(lang, int(4, 7))}${topic} ${place}`,
    summary: `${words(lang, int(15, 25))}${topic} in ${place} ${number} ${words(lang, 5)} & ${words(lang, 3)}.`,
    paragraphs: Array.from({ length: 3 }, () => `${words(lang, int(20, 30))} ${number}`),
  };
}

// Wire stories that several feeds republish (copies for the clusterer), a third of them on topic.
const WIRE: Story[] = Array.from({ length: 400 }, (_, k) => story(k % 3 === 2 ? 'ru' : 'en', k % 3 === 0));

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Feed i as RSS 2.0 text: ~60 items, newest first, published over the last five days before `now`. */
export function feedXml(i: number, now: number, itemsPerFeed = 60): string {
  seed = 1 + i * 7919;
  const lang: Lang = i % 3 === 2 ? 'ru' : 'en';
  const host = `news${i}.example.org`;
  const items: string[] = [];
  for (let k = 0; k < itemsPerFeed; k += 1) {
    const roll = random();
    const wire = roll < 0.05 ? WIRE.filter((s) => s.lang === lang)[int(0, 99)] : undefined;
    const s = wire ?? story(lang, roll < 0.13);
    const published = new Date(now - k * 2 * 3600_000 - int(0, 3600) * 1000).toUTCString();
    const link = `https://${host}/${lang}/news/${i}-${k}`;
    const content = s.paragraphs
      .map((p, n) =>
        n === 1
          ? `<p>${escape(p)} <a href="https://${host}/tag/${n}">${escape(words(lang, 2))}</a></p><img src="https://${host}/img/${k}.jpg" alt="">`
          : `<p>${escape(p)}</p>`,
      )
      .join('');
    items.push(`<item>
<title>${escape(s.title)}</title>
<link>${link}</link>
<guid isPermaLink="true">${link}</guid>
<description>${escape(s.summary)}</description>
<content:encoded><![CDATA[${content}]]></content:encoded>
<category>${escape(words(lang, 1))}</category><category>${escape(words(lang, 1))}</category>
<dc:creator>${escape(words(lang, 2))}</dc:creator>
<pubDate>${published}</pubDate>
</item>`);
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>Outlet ${i}</title>
<link>https://${host}/</link>
<description>News from outlet ${i}</description>
<language>${lang}</language>
${items.join('\n')}
</channel>
</rss>
`;
}

export interface Served {
  gzip: Buffer;
  etag: string;
  lastModified: string;
  rawBytes: number;
}

/** Builds feeds 0..count-1 (gzip kept in memory, ~40 KB each). */
export function buildFeeds(count: number, now: number, itemsPerFeed = 60): Served[] {
  const lastModified = new Date(now - 3600_000).toUTCString();
  const out: Served[] = [];
  for (let i = 0; i < count; i += 1) {
    const xml = feedXml(i, now, itemsPerFeed);
    const raw = Buffer.from(xml, 'utf8');
    out.push({
      gzip: gzipSync(raw, { level: 6 }),
      etag: `"${createHash('sha1').update(raw).digest('base64url').slice(0, 16)}"`,
      lastModified,
      rawBytes: raw.length,
    });
  }
  return out;
}

export interface FeedFarm {
  port: number;
  hosts: string[];
  /** URL of feed i (on host i mod hosts). */
  url(i: number): string;
  /** "host:port" entries for fetch.allowPrivateHosts. */
  allow: string[];
  /** Requests answered, by status. */
  counts: { ok: number; notModified: number };
  close(): Promise<void>;
}

/** Serves feeds on 127.0.0.1 … 127.0.0.<hosts>, one port. */
export async function serveFeeds(feeds: Served[], hostCount = 8): Promise<FeedFarm> {
  const hosts = Array.from({ length: hostCount }, (_, k) => `127.0.0.${k + 1}`);
  const counts = { ok: 0, notModified: 0 };
  const sockets = new Set<Socket>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const match = /^\/f\/(\d+)\.xml$/.exec(req.url ?? '');
    const feed = match ? feeds[Number(match[1])] : undefined;
    if (!feed) {
      res.writeHead(404).end();
      return;
    }
    const validators = { etag: feed.etag, 'last-modified': feed.lastModified };
    if (
      req.headers['if-none-match'] === feed.etag ||
      (!req.headers['if-none-match'] && req.headers['if-modified-since'] === feed.lastModified)
    ) {
      counts.notModified += 1;
      res.writeHead(304, validators).end();
      return;
    }
    counts.ok += 1;
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? feed.gzip : gunzipSync(feed.gzip);
    res
      .writeHead(200, {
        ...validators,
        'content-type': 'application/rss+xml; charset=utf-8',
        'content-length': body.length,
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      })
      .end(body);
  };
  const servers: Server[] = [];
  let port = 0;
  for (const host of hosts) {
    const server = createServer(handler);
    server.keepAliveTimeout = 5000;
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    servers.push(server);
  }
  return {
    port,
    hosts,
    url: (i) => `http://${hosts[i % hosts.length]}:${port}/f/${i}.xml`,
    allow: hosts.map((host) => `${host}:${port}`),
    counts,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
