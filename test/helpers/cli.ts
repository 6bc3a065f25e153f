// Runs the CLI in-process with captured output, as a script would see it: exit code, stdout, stderr.
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.ts';
import { silentLogger } from '../../src/core/log.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const collect = (): { stream: PassThrough; text: () => string } => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  const code = await main(argv, {
    stdin: Readable.from([options.stdin ?? '']),
    stdout: out.stream,
    stderr: err.stream,
    env: { ...options.env },
    log: silentLogger,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
