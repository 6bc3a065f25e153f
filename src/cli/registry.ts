// Every CLI command, in the order `tipwire --help` lists them. A new command is one file in commands/ and one line here.
import type { Command } from './command.ts';

export const commands: Command[] = [];
