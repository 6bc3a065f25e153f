// Every CLI command, in the order `tipwire --help` lists them: its words, its one-line summary, and how to load it.
// A command's module (and everything it imports: the store, MJML, the HTTP server…) is loaded only when that command
// runs or shows its own help, so `tipwire --help` and every command start without the others' weight. A new command
// is one file in commands/ and one entry here; test/cli/registry.test.ts checks each entry against its module.
import type { Command } from './command.ts';

export interface CommandEntry {
  /** The words that name it, e.g. "sources check". */
  name: string;
  /** One line for the command list (the same as the command's own summary). */
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: 'run',
    summary: 'run the service: scheduled polls, feed export, digests, HTTP server, config hot reload',
    load: async () => (await import('./commands/run.ts')).runCommand,
  },
  {
    name: 'serve',
    summary:
      'serve feeds, story page, subscriber pages and status over HTTP (no polling); stops on SIGINT/SIGTERM',
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  {
    name: 'publish',
    summary: 'write every feed (RSS, Atom, JSON Feed, OPML) to the feeds folder once',
    load: async () => (await import('./commands/serve.ts')).publishCommand,
  },
  {
    name: 'poll',
    summary:
      'poll due sources once (or --all, or --source ID), classify and cluster, export feeds, print a summary',
    load: async () => (await import('./commands/poll.ts')).pollCommand,
  },
  {
    name: 'validate',
    summary:
      'check config/*.yaml (schema, unique sources, topic rules) and report every problem with file:line:col',
    load: async () => (await import('./commands/config.ts')).validateCommand,
  },
  {
    name: 'schema',
    summary: 'write JSON Schemas of the config files to config/schema/ (for editor autocompletion)',
    load: async () => (await import('./commands/config.ts')).schemaCommand,
  },
  {
    name: 'sources list',
    summary: 'each source with its state: last poll, failures, disabled, last error, next poll',
    load: async () => (await import('./commands/sources.ts')).sourcesListCommand,
  },
  {
    name: 'sources check',
    summary:
      'fetch each source once (or the named ones) and report HTTP status, format, encoding, items, newest date',
    load: async () => (await import('./commands/sources.ts')).sourcesCheckCommand,
  },
  {
    name: 'sources import',
    summary:
      'add the feeds of an OPML file to sources.yaml (the rest of the file untouched; languages detected from the items)',
    load: async () => (await import('./commands/sources.ts')).sourcesImportCommand,
  },
  {
    name: 'sources export',
    summary: 'print the sources as OPML 2.0 (the same document the server offers at /sources.opml)',
    load: async () => (await import('./commands/sources.ts')).sourcesExportCommand,
  },
  {
    name: 'sources enable',
    summary: 're-enable a source that was disabled after repeated failures, and poll it at the next run',
    load: async () => (await import('./commands/sources.ts')).sourcesEnableCommand,
  },
  {
    name: 'classify',
    summary:
      'classify JSON Lines from stdin ({"id","title","summary","lang"?}) and print {"id","lang","topics"} lines',
    load: async () => (await import('./commands/classify.ts')).classifyCommand,
  },
  {
    name: 'explain',
    summary:
      'show why an item got its topics: rule evidence and model features per topic (item id, story id, URL or --text)',
    load: async () => (await import('./commands/classify.ts')).explainCommand,
  },
  {
    name: 'eval',
    summary:
      'measure the topic filter on labelled JSON Lines ("topics":[…]): P/R/F1 per topic and language, errors; --compare two versions',
    load: async () => (await import('./commands/classify.ts')).evalCommand,
  },
  {
    name: 'train',
    summary:
      'train the relevance model from labelled JSON Lines and write it beside the topic rules (config/model.json)',
    load: async () => (await import('./commands/classify.ts')).trainCommand,
  },
  {
    name: 'digest send',
    summary: 'send the digests that are due now (or of --period), with a summary; --dry-run only counts',
    load: async () => (await import('./commands/digest.ts')).digestSendCommand,
  },
  {
    name: 'digest preview',
    summary: 'write the digest a subscriber would get now (HTML to --out, text beside it or to the terminal)',
    load: async () => (await import('./commands/digest.ts')).digestPreviewCommand,
  },
  {
    name: 'subscribers add',
    summary: 'add a subscriber (active at once, or --pending to send a confirm mail)',
    load: async () => (await import('./commands/subscribers.ts')).subscribersAddCommand,
  },
  {
    name: 'subscribers set',
    summary: "change a subscriber's choices (what the preferences page changes); the rest stays",
    load: async () => (await import('./commands/subscribers.ts')).subscribersSetCommand,
  },
  {
    name: 'subscribers list',
    summary: 'list subscribers with their choices, status and last digest cutoff',
    load: async () => (await import('./commands/subscribers.ts')).subscribersListCommand,
  },
  {
    name: 'subscribers remove',
    summary: 'delete a subscriber and their digest history',
    load: async () => (await import('./commands/subscribers.ts')).subscribersRemoveCommand,
  },
  {
    name: 'subscribers import',
    summary:
      'add subscribers from a CSV file (header: email,name,locale,timeZone,topics,countries,languages,frequency,status,sendDay,sendHour)',
    load: async () => (await import('./commands/subscribers.ts')).subscribersImportCommand,
  },
  {
    name: 'subscribers export',
    summary: 'print every subscriber as CSV (the format import reads)',
    load: async () => (await import('./commands/subscribers.ts')).subscribersExportCommand,
  },
  {
    name: 'dedupe',
    summary:
      'cluster JSON Lines items from stdin into stories ({"id","url","title","summary","lang","published","source"} → {"id","story"})',
    load: async () => (await import('./commands/dedupe.ts')).dedupeCommand,
  },
  {
    name: 'stories',
    summary: 'recent stories with their ids, item counts and languages (--items: every item with its id)',
    load: async () => (await import('./commands/dedupe.ts')).storiesCommand,
  },
  {
    name: 'health',
    summary: "ask this machine's running server whether it is healthy (for container health checks)",
    load: async () => (await import('./commands/health.ts')).healthCommand,
  },
  {
    name: 'demo',
    summary:
      'run the whole pipeline offline against invented demo feeds served on 127.0.0.1 (its own data/demo/ and out/demo/)',
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
];
