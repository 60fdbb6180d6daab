// One fresh code-server per run: its own folder, user data, extensions, XDG dirs and TMPDIR.
import type { ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { codeServerEntry, outputRoot, samplesDir } from './paths';
import { onCleanup, runToEnd, sleep, spawnGroup, stopGroup, withTimeout } from './procs';

/**
 * `[error]` lines that code-server itself writes while it shuts down, whatever the extension does:
 * the extension host reaching for the session socket that the stopping server already removed.
 */
/**
 * `[error]` blocks in the extension-host log that are VS Code's or code-server's own, never LSTM Lens's, each
 * matched on the whole block (message and stack) so an error of ours cannot hide behind one:
 * code-server's IPC socket gone at shutdown; a second window's workspace-storage lock; a bare socket reset with only Node-internal frames (a browser
 * connection dropped); a built-in extension's own failure (tagged [vscode.<id>], or a stack that starts in
 * a built-in extension's folder, e.g. the HTML language server failing to start on a loaded machine); a
 * built-in extension writing to its closed output channel as the window shuts down.
 */
export const SHUTDOWN_NOISE: RegExp[] = [
  /\[error\] Error: connect ENOENT \S*code-server-ipc\.sock/,
  // A second window on the same folder finds the workspace-storage lock taken and moves to another folder.
  /\[error\] Error: EEXIST: file already exists, open '[^']*\/workspaceStorage\/[^']*\/vscode\.lock'/,
  /\[error\] Error: read ECONNRESET\n\tat TCP\.onStreamRead \(node:internal\/[^)]*\)$/,
  /\[error\] \[vscode\.[\w-]+\] /,
  /\[error\] Error: [^\n]*\n\tat [^\n]*\/lib\/vscode\/extensions\/(?!lstm-lens)[\w-]+\//,
  // A built-in extension logging after its output channel closed at shutdown: every frame is VS Code's own.
  /\[error\] Error: Channel has been closed(\n\tat [^\n]*(\/lib\/vscode\/(out|extensions\/(?!lstm-lens)[\w-]+)\/|\(node:)[^\n]*)+$/,
];

/** User settings that remove focus-stealing and offline noise (see shared notes). */
export const SEEDED_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'remote.autoForwardPorts': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
};

export interface ServerOptions {
  /** Short label for the run folder, e.g. "ui" or "integration". */
  name: string;
  /** Folder to open. Default: a fresh copy of samples/ inside the run folder. */
  workspace?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** A .vsix to install into the run's extensions dir before the server starts. */
  vsix?: string;
  /** Extra user settings, merged over SEEDED_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Remove the run folder on stop (default false: logs stay for inspection). */
  removeOnStop?: boolean;
}

let runCounter = 0;

function stamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A fresh run folder .test-output/<name>-<hhmmss>-<pid>-<n>/ (short: sockets live below it). */
export function makeRunDir(name: string): string {
  const dir = join(outputRoot(), `${name}-${stamp()}-${process.pid}-${runCounter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export class CodeServer {
  private child: ChildProcess | undefined;
  private unregister: (() => void) | undefined;
  private scratch: string | undefined;
  private stopped = false;
  port = 0;
  /** Settles when the server process exits (code, or null when killed by a signal). */
  exited: Promise<number | null> = new Promise(() => {});

  readonly ud: string;
  readonly extensionsDir: string;
  readonly configFile: string;
  readonly logFile: string;
  readonly env: NodeJS.ProcessEnv;

  private constructor(
    readonly options: ServerOptions,
    readonly runDir: string,
    readonly workspace: string,
  ) {
    this.ud = join(runDir, 'ud');
    this.extensionsDir = join(runDir, 'extensions');
    this.configFile = join(runDir, 'config.yaml');
    this.logFile = join(runDir, 'server.log');
    mkdirSync(join(this.ud, 'User'), { recursive: true });
    mkdirSync(this.extensionsDir, { recursive: true });
    writeFileSync(
      join(this.ud, 'User', 'settings.json'),
      JSON.stringify({ ...SEEDED_SETTINGS, ...options.settings }, null, 2) + '\n',
    );
    writeFileSync(this.configFile, `bind-addr: 127.0.0.1:${options.port ?? 0}\nauth: none\ncert: false\n`);

    // Unix socket paths must stay under 107 bytes and VS Code names them vscode-ipc-<uuid>.sock
    // (52 bytes): a run folder too deep for that gets its runtime dir and TMPDIR under /tmp instead.
    let shortDir = runDir;
    if (runDir.length + '/r/'.length + 52 > 107) {
      this.scratch = mkdtempSync('/tmp/lstm-lens-');
      shortDir = this.scratch;
    }
    const xdg = {
      XDG_CONFIG_HOME: join(runDir, 'xdg', 'config'),
      XDG_DATA_HOME: join(runDir, 'xdg', 'data'),
      XDG_CACHE_HOME: join(runDir, 'xdg', 'cache'),
      XDG_RUNTIME_DIR: join(shortDir, 'r'),
      TMPDIR: join(shortDir, 't'),
    };
    for (const d of Object.values(xdg)) mkdirSync(d, { recursive: true });
    // EXTENSIONS_GALLERY={} turns the marketplace off: no lookups that fail offline, no update checks.
    const env: NodeJS.ProcessEnv = { ...process.env, ...xdg, EXTENSIONS_GALLERY: '{}' };
    // Never let an enclosing VS Code (terminal, debugger) leak into the server under test.
    for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
    delete env.PASSWORD;
    delete env.HASHED_PASSWORD;
    this.env = env;
  }

  /** Creates the run folder, installs the vsix if given, starts the server and waits for /healthz. */
  static async start(options: ServerOptions): Promise<CodeServer> {
    const runDir = makeRunDir(options.name);
    let workspace = options.workspace;
    if (!workspace) {
      workspace = join(runDir, 'ws');
      cpSync(samplesDir(), workspace, { recursive: true });
    }
    const server = new CodeServer(options, runDir, workspace);
    server.unregister = onCleanup(() => server.stop());
    try {
      if (options.vsix) await server.installExtension(options.vsix);
      await server.launch();
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  private baseArgs(): string[] {
    return [
      codeServerEntry(),
      '--config',
      this.configFile,
      '--user-data-dir',
      this.ud,
      '--extensions-dir',
      this.extensionsDir,
    ];
  }

  /** Installs a packaged extension into this run's extensions dir (server need not be running). */
  async installExtension(vsix: string): Promise<void> {
    if (!existsSync(vsix)) throw new Error(`no such vsix: ${vsix}`);
    const { code, output } = await runToEnd(process.execPath, [...this.baseArgs(), '--install-extension', vsix], {
      env: this.env,
      cwd: this.runDir,
      timeoutMs: 120_000,
    });
    writeFileSync(join(this.runDir, 'install-extension.log'), output);
    if (code !== 0 || !/successfully installed/i.test(output)) {
      throw new Error(`installing ${vsix} failed (exit ${code}):\n${output}`);
    }
  }

  private async launch(): Promise<void> {
    const args = [
      ...this.baseArgs(),
      '--bind-addr',
      `127.0.0.1:${this.options.port ?? 0}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      this.workspace,
    ];
    const log = createWriteStream(this.logFile);
    const child = spawnGroup(process.execPath, args, {
      env: this.env,
      cwd: this.runDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let seen = '';
    const listening = new Promise<number>((resolve, reject) => {
      const onData = (d: Buffer) => {
        log.write(d);
        seen += String(d);
        const m = /HTTP server listening on https?:\/\/[^\s:]+:(\d+)/.exec(seen);
        if (m) resolve(Number(m[1]));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        reject(new Error(`code-server exited early (code ${code}, signal ${signal}):\n${seen.slice(-4000)}`)),
      );
    });
    this.port = await withTimeout(listening, 60_000, `code-server to listen (log: ${this.logFile})`);
    await this.waitHealthy(30_000);
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      try {
        const res = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
        last = `HTTP ${res.status}`;
      } catch (e) {
        last = String(e);
      }
      await sleep(200);
    }
    throw new Error(`code-server /healthz not ready after ${timeoutMs} ms (${last})`);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A path on the server's machine as the web workbench names it. */
  remoteUri(absPath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${absPath.split('/').map(encodeURIComponent).join('/')}`;
  }

  /**
   * The workbench URL for `folder` (default: this server's workspace) with an optional payload:
   * pairs such as ["extensionDevelopmentPath", uri], ["extensionTestsPath", uri], ["openFile", uri].
   */
  workbenchUrl(opts: { folder?: string; payload?: [string, string][] } = {}): string {
    const params = new URLSearchParams({ folder: opts.folder ?? this.workspace });
    if (opts.payload?.length) params.set('payload', JSON.stringify(opts.payload));
    return `${this.baseUrl}/?${params.toString()}`;
  }

  /** Every remote extension host log written so far (UD/logs/<session>/exthost<n>/remoteexthost.log). */
  extHostLogFiles(): string[] {
    const logs = join(this.ud, 'logs');
    if (!existsSync(logs)) return [];
    const files: string[] = [];
    for (const session of readdirSync(logs)) {
      const sessionDir = join(logs, session);
      let entries: string[];
      try {
        entries = readdirSync(sessionDir);
      } catch {
        continue;
      }
      for (const e of entries.filter((n) => n.startsWith('exthost'))) {
        const f = join(sessionDir, e, 'remoteexthost.log');
        if (existsSync(f)) files.push(f);
      }
    }
    return files;
  }

  /**
   * `[error]` lines (with the lines that continue them, e.g. stack frames) from the extension host
   * logs, less code-server's own SHUTDOWN_NOISE.
   */
  extHostErrors(): string[] {
    const errors: string[] = [];
    for (const f of this.extHostLogFiles()) {
      const lines = readFileSync(f, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (!lines[i].includes('[error]')) continue;
        const block = [lines[i]];
        while (i + 1 < lines.length && lines[i + 1] !== '' && !/^\d{4}-\d\d-\d\d /.test(lines[i + 1]))
          block.push(lines[++i]);
        const text = block.join('\n');
        if (!SHUTDOWN_NOISE.some((re) => re.test(text))) errors.push(`${f}:\n${text}`);
      }
    }
    return errors;
  }

  /** True once stop() was called (e.g. by the Ctrl+C handler), so an exit is expected. */
  get stopRequested(): boolean {
    return this.stopped;
  }

  /** SIGTERM, then wait for the whole process tree to exit (SIGKILL after 10 s). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister?.();
    if (this.child) await stopGroup(this.child, 10_000);
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    if (this.options.removeOnStop) rmSync(this.runDir, { recursive: true, force: true });
  }
}
