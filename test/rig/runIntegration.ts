// Runs the integration tests inside a real extension host: a fresh code-server, the workbench in
// Chromium with extensionDevelopmentPath = the repo and extensionTestsPath = out/test/integration/index.
// With --web: the same in VS Code for the Web's Web Worker extension host (the "browser" entry), running the
// tests that need no Node (out/test/integration-web/index.js; see test/integration/web/index.ts).
// Usage: node out/test/rig/runIntegration.js [--web]   (writes counts to $LSTM_LENS_RESULTS_FILE when set)
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { repoRoot } from './paths';
import { runCleanups, withTimeout } from './procs';
import { parseResults, type Results } from './reporter';
import { Session } from './session';

/** Workbench start-up chatter that reaches the automation log in every run; kept in the log file only. */
const NOISE = [
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
];

const TIMEOUT_MS = Number(process.env.LSTM_LENS_INTEGRATION_TIMEOUT_MS ?? 600_000);

const web = process.argv.includes('--web');
const label = web ? 'integration-web' : 'integration';

async function main(): Promise<number> {
  const runnerBase = join(repoRoot(), 'out', 'test', web ? 'integration-web' : 'integration', 'index');
  const runner = `${runnerBase}.js`;
  if (!existsSync(runner)) throw new Error(`${runner} is missing; run node scripts/build.mjs`);
  if (!existsSync(join(repoRoot(), 'dist', 'extension.js')))
    throw new Error('dist/extension.js is missing; build first');
  let output = '';
  let runDir = '';
  const logFile = () => join(runDir, 'automation.log');
  let reportExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (reportExit = resolve));
  const session = await Session.open({
    name: label,
    devExtension: true,
    extensionKind: web ? 'web' : undefined,
    testsPath: runnerBase,
    noWait: true,
    beforeGoto: async (page, server) => {
      runDir = server.runDir;
      await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown) => {
        const line = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
        output += line + '\n';
        appendFileSync(logFile(), line + '\n');
        if (!NOISE.some((re) => re.test(line))) console.log(line);
      });
      await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(Number(code)));
    },
  });
  try {
    console.log(`[${label}] run folder ${session.server.runDir} (full log: automation.log)`);
    const code = await withTimeout(exited, TIMEOUT_MS, 'the extension host tests to finish');
    const results: Results = parseResults(output) ?? { passes: 0, failures: 1, pending: 0 };
    if (!parseResults(output)) console.error(`[${label}] no results line from the extension host runner`);
    // Stop first, so errors written while the extension host shuts down (deactivate, workers
    // exiting) are always in the log when it is read, not only when the timing happens to allow.
    await session.close();
    const errors = session.extHostErrors();
    if (errors.length > 0) {
      console.error(`[${label}] ${errors.length} [error] line(s) in the extension host log:\n${errors.join('\n')}`);
      results.failures += 1;
    }
    if (code !== 0 && results.failures === 0) results.failures = 1;
    if (process.env.LSTM_LENS_RESULTS_FILE) writeFileSync(process.env.LSTM_LENS_RESULTS_FILE, JSON.stringify(results));
    console.log(`[${label}] exit code ${code}`);
    return results.failures > 0 ? 1 : 0;
  } finally {
    await session.close();
  }
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(`[${label}]`, e);
    await runCleanups();
    process.exit(1);
  },
);
