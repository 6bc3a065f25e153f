// Who this process is to the other workers that share the database, and which lease owners are certainly dead.
// An owner is "NAME/PID/NONCE": NAME is TIPWIRE_WORKER_ID or the host name (one per machine or container), PID the
// process, NONCE random per start. Leases are short and renewed while a worker works, so a dead worker's sources
// go to the others within one lease period; and a restarted worker need not wait even that long for its own
// machine's dead predecessor: an owner with this NAME whose PID no longer runs (or is this very PID with another
// NONCE: a container restarted as PID 1) is dead, and its leases are taken at once.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export interface WorkerIdentity {
  name: string;
  pid: number;
  nonce: string;
  /** The lease owner string: name/pid/nonce. */
  owner: string;
}

export function workerIdentity(env: NodeJS.ProcessEnv = process.env, pid = process.pid): WorkerIdentity {
  const name = (env.TIPWIRE_WORKER_ID ?? '').trim() || hostname();
  const nonce = randomBytes(4).toString('hex');
  return { name, pid, nonce, owner: `${name}/${pid}/${nonce}` };
}

/** This process, for every poll it runs. */
export const processWorker: WorkerIdentity = workerIdentity();

function parseOwner(owner: string): { name: string; pid: number; nonce: string } | undefined {
  const match = /^(.*)\/(\d+)\/([0-9a-f]+)$/.exec(owner);
  if (!match) return undefined;
  return { name: match[1] as string, pid: Number(match[2]), nonce: match[3] as string };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owners among these that are earlier incarnations on this machine and no longer run. */
export function deadOwners(
  owners: Iterable<string>,
  me: WorkerIdentity,
  alive: (pid: number) => boolean = pidAlive,
): string[] {
  const dead = new Set<string>();
  for (const owner of owners) {
    if (owner === me.owner) continue;
    const other = parseOwner(owner);
    if (!other || other.name !== me.name) continue;
    if (other.pid === me.pid ? other.nonce !== me.nonce : !alive(other.pid)) dead.add(owner);
  }
  return [...dead];
}
