// Feed rendering (RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML) and slice logic. Pure: jobs/publish.ts and http/feeds.ts
// do the I/O.
export { renderFeed, renderEntries, renderOpml, feedUrl, CONTENT_TYPES, EXTENSION_ABOUT } from './render.ts';
export type { FeedMeta, OpmlMeta } from './render.ts';
export { buildEntry, buildEntries, entryContext, storyEntryId, tagUri, plainTitle } from './entries.ts';
export type { PublishedEntry, EntryContext } from './entries.ts';
export { parseFeedRequest, makeSlice, exportSlices, FEED_FORMATS } from './slices.ts';
export type { OutputFormat, FeedSlice, FeedRequest, SliceKind } from './slices.ts';
export { cleanText, safeUrl, escapeXml } from './text.ts';
