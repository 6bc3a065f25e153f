// Politeness limiter. Contract: `run(url, task)` starts `task` when fewer than `concurrency` tasks run in total and
// fewer than `perHost` run for the URL's host; otherwise it waits in a FIFO queue. A waiting task for a busy host does
// not block tasks for other hosts behind it. The task's result or error is passed through unchanged.

export interface HostLimiter {
  run<T>(url: string, task: () => Promise<T>): Promise<T>;
}

interface Waiting {
  host: string;
  start: () => void;
}

export function hostKey(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
}

export function createHostLimiter(options: { concurrency: number; perHost: number }): HostLimiter {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const perHost = Math.max(1, Math.floor(options.perHost));
  const active = new Map<string, number>();
  const queue: Waiting[] = [];
  let running = 0;

  const canStart = (host: string): boolean => running < concurrency && (active.get(host) ?? 0) < perHost;

  const acquire = (host: string): void => {
    running++;
    active.set(host, (active.get(host) ?? 0) + 1);
  };

  const release = (host: string): void => {
    running--;
    const left = (active.get(host) ?? 1) - 1;
    if (left === 0) active.delete(host);
    else active.set(host, left);
    for (let i = 0; i < queue.length && running < concurrency;) {
      const next = queue[i] as Waiting;
      if (canStart(next.host)) {
        queue.splice(i, 1);
        acquire(next.host);
        next.start();
      } else i++;
    }
  };

  return {
    run<T>(url: string, task: () => Promise<T>): Promise<T> {
      const host = hostKey(url);
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          let result: Promise<T>;
          try {
            result = task();
          } catch (err) {
            result = Promise.reject(err as Error);
          }
          result.then(resolve, reject).finally(() => release(host));
        };
        // Whatever waits in the queue is blocked by its own host or by the global limit, so no one is overtaken.
        if (canStart(host)) {
          acquire(host);
          start();
        } else queue.push({ host, start });
      });
    },
  };
}
