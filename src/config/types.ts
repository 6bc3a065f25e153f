import type { Source } from '../core/types.ts';
import type { AppConfig } from './schema.ts';
import type { TopicsConfig } from './topics-schema.ts';
import type { ModelFileConfig } from './model-schema.ts';

/** One thing wrong in a config file or the environment, placed as precisely as the source allows. */
export interface ConfigProblem {
  file: string;
  line?: number;
  col?: number;
  path: string;
  message: string;
}

/** The whole configuration, validated and frozen; passed in, never read from globals. */
export interface Config {
  /** Folder the files were read from. */
  dir: string;
  app: AppConfig;
  sources: Source[];
  topics: TopicsConfig;
  /** The relevance model (config/model.json), when there is one. */
  model?: ModelFileConfig | undefined;
  /** Hash of the three files' content: changes when an operator edits any of them. */
  version: string;
  /** Settings left at a default that is only right on a development machine (startup warnings name them). */
  defaulted?: {
    /** server.baseUrl was not given: links follow the listen address (http://127.0.0.1:PORT). */
    baseUrl: boolean;
    /** digest.secret is the development key that anyone can read in the source. */
    secret: boolean;
  };
}
