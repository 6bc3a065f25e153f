// Every CLI command, in the order `tipwire --help` lists them. A new command is one file in commands/ and one line here.
import type { Command } from './command.ts';
import { runCommand } from './commands/run.ts';
import { demoCommand } from './commands/demo.ts';
import { dedupeCommand, storiesCommand } from './commands/dedupe.ts';
import { pollCommand } from './commands/poll.ts';
import { validateCommand, schemaCommand } from './commands/config.ts';
import { healthCommand } from './commands/health.ts';
import {
  sourcesListCommand,
  sourcesCheckCommand,
  sourcesImportCommand,
  sourcesExportCommand,
  sourcesEnableCommand,
} from './commands/sources.ts';
import { serveCommand, publishCommand } from './commands/serve.ts';
import { classifyCommand, explainCommand, evalCommand, trainCommand } from './commands/classify.ts';
import { digestSendCommand, digestPreviewCommand } from './commands/digest.ts';
import {
  subscribersAddCommand,
  subscribersListCommand,
  subscribersRemoveCommand,
  subscribersImportCommand,
  subscribersExportCommand,
} from './commands/subscribers.ts';

export const commands: Command[] = [
  runCommand,
  serveCommand,
  publishCommand,
  pollCommand,
  validateCommand,
  schemaCommand,
  sourcesListCommand,
  sourcesCheckCommand,
  sourcesImportCommand,
  sourcesExportCommand,
  sourcesEnableCommand,
  classifyCommand,
  explainCommand,
  evalCommand,
  trainCommand,
  digestSendCommand,
  digestPreviewCommand,
  subscribersAddCommand,
  subscribersListCommand,
  subscribersRemoveCommand,
  subscribersImportCommand,
  subscribersExportCommand,
  dedupeCommand,
  storiesCommand,
  healthCommand,
  demoCommand,
];
