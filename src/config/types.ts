import type { Source } from '../core/types.ts';
import type { AppConfig } from './schema.ts';
import type { TopicsConfig } from './topics-schema.ts';

/** The whole configuration, validated and frozen; passed in, never read from globals. */
export interface Config {
  /** Folder the files were read from. */
  dir: string;
  app: AppConfig;
  sources: Source[];
  topics: TopicsConfig;
  /** Hash of the three files' content: changes when an operator edits any of them. */
  version: string;
  /** Hash of topics.yaml alone: items classified under another version are re-classified. */
  topicsVersion: string;
}
