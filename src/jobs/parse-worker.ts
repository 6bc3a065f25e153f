// A parse worker (jobs/parse-pool.ts): compiles the topic rules it is given, says which version it got, then reads
// each feed it is sent (feed-items.ts) and sends back the items and their judgements, or the error as plain data.
import { parentPort, workerData } from 'node:worker_threads';
import { isTipwireError } from '../core/errors.ts';
import { compileRules, type RelevanceModelFile, type TopicsInput } from '../classify/index.ts';
import { judgeWith, readFeed, type FeedWork } from './feed-items.ts';
import type { WorkerReply, WorkerSetup } from './parse-pool.ts';

const setup = workerData as WorkerSetup;
const rules = compileRules(
  setup.classifier.topics as TopicsInput,
  setup.classifier.model as RelevanceModelFile | undefined,
);
const context = {
  sources: new Map(setup.sources.map((source) => [source.id, source])),
  trackingParams: setup.trackingParams,
  judge: judgeWith(rules, setup.sources),
};
const port = parentPort;
if (!port) throw new Error('parse-worker runs as a worker thread');
const reply = (message: WorkerReply): void => {
  try {
    port.postMessage(message);
  } catch (err) {
    // Details that cannot be cloned (a stray object in an error): the message still goes back.
    if ('ok' in message && !message.ok)
      port.postMessage({ ...message, error: { code: message.error.code, message: message.error.message } });
    else throw err;
  }
};

port.on('message', (message: { id: number; work: FeedWork }) => {
  readFeed(message.work, context).then(
    (result) => reply({ id: message.id, ok: true, result }),
    (err: unknown) =>
      reply({
        id: message.id,
        ok: false,
        error: isTipwireError(err)
          ? { code: err.code, message: err.message, details: err.details }
          : { message: err instanceof Error ? err.message : String(err) },
      }),
  );
});
reply({ kind: 'ready', rulesVersion: rules.version });
