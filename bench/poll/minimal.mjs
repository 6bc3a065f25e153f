// The baseline of bench/poll: the least a poller must do, written the obvious way, run as its own process.
// fetch (Node's built-in, 8 at a time, conditional GET with the stored ETag/Last-Modified) → rss-parser →
// SQLite (better-sqlite3, WAL, one transaction per feed, INSERT OR IGNORE by link). No classification, no
// clustering, no export, no politeness, no sanitising. Usage: node minimal.mjs DB_FILE URL_LIST_FILE
/* global fetch */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import Database from 'better-sqlite3';
import Parser from 'rss-parser';

const [dbFile, listFile] = process.argv.slice(2);
const urls = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
  CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, feed TEXT NOT NULL, guid TEXT, link TEXT UNIQUE,
    title TEXT, summary TEXT, content TEXT, published TEXT)`);
const getFeed = db.prepare('SELECT etag, last_modified FROM feeds WHERE url = ?');
const putFeed = db.prepare(
  'INSERT INTO feeds (url, etag, last_modified) VALUES (?, ?, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified',
);
const putItem = db.prepare(
  'INSERT OR IGNORE INTO items (feed, guid, link, title, summary, content, published) VALUES (?, ?, ?, ?, ?, ?, ?)',
);
const store = db.transaction((url, response, items) => {
  for (const item of items) {
    putItem.run(
      url,
      item.guid ?? null,
      item.link ?? null,
      item.title ?? null,
      item.contentSnippet ?? null,
      item['content:encoded'] ?? item.content ?? null,
      item.isoDate ?? null,
    );
  }
  putFeed.run(url, response.headers.get('etag'), response.headers.get('last-modified'));
});
const parser = new Parser();

let next = 0;
let fetched = 0;
let notModified = 0;
let stored = 0;
async function worker() {
  while (next < urls.length) {
    const url = urls[next++];
    const known = getFeed.get(url);
    const headers = {};
    if (known?.etag) headers['if-none-match'] = known.etag;
    if (known?.last_modified) headers['if-modified-since'] = known.last_modified;
    const response = await fetch(url, { headers });
    if (response.status === 304) {
      notModified += 1;
      continue;
    }
    const feed = await parser.parseString(await response.text());
    store(url, response, feed.items);
    fetched += 1;
    stored += feed.items.length;
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
db.close();
process.stdout.write(`${JSON.stringify({ fetched, notModified, items: stored })}\n`);
