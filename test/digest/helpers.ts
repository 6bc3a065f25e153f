// Real servers and real data for the digest tests: a config object as the loader would give it, stories written
// through the Store port, and an smtp-server on 127.0.0.1 that keeps every accepted message (parsed back with
// mailparser) and can answer with faults (421, 451, 550, a dropped connection) chosen per recipient and attempt.
import type { Server, Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { appSchema } from '../../src/config/schema.ts';
import type { Config } from '../../src/config/types.ts';
import type { StoryView } from '../../src/core/types.ts';
import type { Store } from '../../src/store/port.ts';
import { SOURCES, TOPICS } from './sample.ts';

export function testConfig(app: Record<string, unknown> = {}): Config {
  const digest = (app.digest ?? {}) as Record<string, unknown>;
  const parsed = appSchema.parse({
    ...app,
    server: { baseUrl: 'https://tipwire.example', ...((app.server ?? {}) as object) },
    digest: {
      from: 'tipwire digest <digest@tipwire.example>',
      listId: 'digest.tipwire.example',
      unsubscribeMailto: 'unsubscribe@tipwire.example',
      secret: 'test-secret-of-enough-length',
      rateLimitPerSecond: 0,
      ...digest,
    },
  });
  return {
    dir: '/nonexistent/config',
    app: parsed,
    sources: SOURCES.map((s) => ({
      id: s.id,
      name: s.name,
      url: `https://news.example/${s.id}.rss`,
      languages: [s.language],
      tags: [],
      enabled: true,
    })),
    topics: { topics: TOPICS.map((t) => ({ ...t, threshold: 1, rules: [] })) } as unknown as Config['topics'],
    version: 'test',
  };
}

/** Writes stories the way the poll job does: items, their classification (matched), then the stories. */
export async function seedStories(store: Store, stories: StoryView[]): Promise<void> {
  const items = stories.flatMap((story) =>
    story.items.map((item) => ({ ...item, storyId: undefined, classification: undefined })),
  );
  await store.upsertItems(items);
  for (const story of stories) {
    for (const item of story.items) {
      await store.saveClassification(
        item.id,
        {
          language: item.language ?? 'en',
          topics: story.topics.map((topic) => ({ topic, score: 2, evidence: [] })),
          countries: story.countries,
        },
        'test',
      );
    }
  }
  const plain = stories.map(({ representative: _r, items: _i, ...story }) => story);
  await store.saveStories(
    plain,
    stories.flatMap((story) => story.items.map((item) => ({ itemId: item.id, storyId: story.id }))),
  );
}

export type Fault = { code: number; message: string } | 'drop' | undefined;

export interface TestSmtp {
  url: string;
  messages: { to: string; raw: Buffer; parsed: ParsedMail }[];
  /** Attempts (RCPT TO) per recipient. */
  attempts: Map<string, number>;
  /** Called as each message's data has been accepted (before parsing). */
  onReceived?: (count: number) => void;
  /** Decides the answer to a recipient's nth attempt (1-based). */
  fault: (to: string, attempt: number) => Fault;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const sockets = new Map<number, Socket>();
  const state: TestSmtp = {
    url: '',
    messages: [],
    attempts: new Map(),
    fault: () => undefined,
    close: async () => undefined,
  };
  const pending: Promise<void>[] = [];
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, session, callback) {
      const to = address.address.toLowerCase();
      const attempt = (state.attempts.get(to) ?? 0) + 1;
      state.attempts.set(to, attempt);
      const fault = state.fault(to, attempt);
      if (fault === 'drop') {
        sockets.get(session.remotePort)?.destroy();
        return;
      }
      if (fault) {
        const err = Object.assign(new Error(fault.message), { responseCode: fault.code });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase()).join(',');
        received += 1;
        state.onReceived?.(received);
        pending.push(
          simpleParser(raw).then((parsed) => {
            state.messages.push({ to, raw, parsed });
          }),
        );
        callback();
      });
    },
  });
  (server as unknown as { server: Server }).server.on('connection', (socket: Socket) => {
    if (socket.remotePort !== undefined) sockets.set(socket.remotePort, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = (server as unknown as { server: Server }).server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = async () => {
    await Promise.all(pending);
    for (const socket of sockets.values()) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const flush = async (): Promise<void> => {
    await Promise.all(pending);
  };
  return Object.assign(state, { flush });
}

/** Waits until parsed messages are in. */
export async function settle(smtp: TestSmtp): Promise<void> {
  await (smtp as TestSmtp & { flush(): Promise<void> }).flush();
}
