// What every use-case needs, handed in by the composition root (cli.ts), never found through globals: the config in
// force (hot reload swaps it, so it is read per call), the store and the mailer (each opened once), the root logger,
// the clock, the compiled mail templates, and the publish marker that tells the HTTP feed cache an export wrote new feeds.
// The shells (http, cli commands) pass this object on to the jobs; they never reach into the store themselves.
import type { Logger } from '../core/log.ts';
import type { Config } from '../config/types.ts';
import type { Mailer } from '../digest/port.ts';
import type { DigestTemplates } from '../digest/render.ts';
import type { Store } from '../store/port.ts';

export interface JobContext {
  /** The config in force now. */
  config(): Config;
  store: Store;
  mailer: Mailer;
  log: Logger;
  now(): Date;
  /** The mail templates, compiled once (MJML takes a second) on first use. */
  templates(): Promise<DigestTemplates>;
  /** Bumped by each feed export in this process; caches of rendered feeds key on it. */
  published: PublishMarker;
}

/** A counter owned by whoever runs exports and serves feeds in one process (see jobs/publish.ts). */
export interface PublishMarker {
  readonly generation: number;
  bump(): void;
}

export function createPublishMarker(): PublishMarker {
  let generation = 0;
  return {
    get generation() {
      return generation;
    },
    bump() {
      generation += 1;
    },
  };
}
