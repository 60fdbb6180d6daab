// Child processes in their own process groups, and clean-up that runs on exit and on signals.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

type Cleanup = () => Promise<void> | void;

// Every test file is bundled on its own, so each bundle has its own copy of this module: the
// state lives on globalThis so that one signal handler sees every server and browser.
interface RigState {
  cleanups: Set<Cleanup>;
  liveGroups: Set<number>;
  handlersInstalled: boolean;
  stopping: boolean;
}
const g = globalThis as typeof globalThis & { __lstmLensRig?: RigState };
const state: RigState = (g.__lstmLensRig ??= {
  cleanups: new Set(),
  liveGroups: new Set(),
  handlersInstalled: false,
  stopping: false,
});

function installHandlers(): void {
  if (state.handlersInstalled) return;
  state.handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    if (state.stopping) return; // a second Ctrl+C (or a forwarded copy) must not cut the clean-up short
    state.stopping = true;
    process.stderr.write(`\n[rig] ${signal}: stopping servers and browsers\n`);
    void runCleanups().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => onSignal('SIGINT', 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  process.on('SIGHUP', () => onSignal('SIGHUP', 129));
  // Last resort: whatever group is still alive when this process exits is killed outright.
  process.on('exit', () => {
    for (const pgid of state.liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Registers a clean-up to run on SIGINT/SIGTERM/SIGHUP; returns a function that unregisters it. */
export function onCleanup(fn: Cleanup): () => void {
  installHandlers();
  state.cleanups.add(fn);
  return () => state.cleanups.delete(fn);
}

/** Runs every registered clean-up (newest first), each bounded by `timeoutMs`. */
export async function runCleanups(timeoutMs = 20_000): Promise<void> {
  const all = [...state.cleanups].reverse();
  state.cleanups.clear();
  for (const fn of all) {
    await withTimeout(Promise.resolve().then(fn), timeoutMs, 'clean-up').catch((e) =>
      process.stderr.write(`[rig] clean-up failed: ${String(e)}\n`),
    );
  }
}

/** Spawns `command` as the leader of a new process group, so its whole tree can be stopped. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  installHandlers();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) state.liveGroups.add(child.pid);
  return child;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a group started by spawnGroup: SIGTERM to its leader, wait up to `graceMs` for every
 * process of the group to exit, then SIGKILL the group and wait again.
 */
export async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(pgid, 'SIGTERM');
    } catch {
      // leader already gone
    }
  }
  const until = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < until) await sleep(100);
  if (groupAlive(pgid)) {
    process.stderr.write(`[rig] process group ${pgid} still alive after ${graceMs} ms; SIGKILL\n`);
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    const hard = Date.now() + 5_000;
    while (groupAlive(pgid) && Date.now() < hard) await sleep(100);
  }
  state.liveGroups.delete(pgid);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a clear message when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs a command to completion (own process group, bounded by `timeoutMs`); resolves with its output. */
export async function runToEnd(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number },
): Promise<{ code: number | null; output: string }> {
  const child = spawnGroup(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  const done = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  try {
    const code = await withTimeout(done, options.timeoutMs, `${command} ${args.join(' ')}`);
    return { code, output };
  } finally {
    await stopGroup(child, 2_000);
  }
}
