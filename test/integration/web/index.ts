// The mocha runner for VS Code for the Web's extension host (a Web Worker, no Node): mocha's browser build,
// a reporter that prints spec-like lines and the counts marker to the console (the rig reads both through
// codeAutomationLog), and the integration tests that need no Node (scripts/build.mjs bundles this file
// with node:assert/strict aliased to ./assert.ts). Node-only suites (robustness: fs, sizes) stay in Node.
import 'mocha/mocha.js';
/** The counts marker the rig parses (test/rig/reporter.ts RESULTS_MARKER; that file needs Node). */
const RESULTS_MARKER = 'LSTM_LENS_RESULTS';

interface RunnerLike {
  on(event: string, fn: (...args: never[]) => void): void;
  stats?: { passes: number; failures: number; pending: number };
}
interface TestLike {
  title: string;
  fullTitle(): string;
  duration?: number;
}

function WebReporter(this: unknown, runner: RunnerLike): void {
  let depth = 0;
  const pad = () => '  '.repeat(depth);
  runner.on('suite', (s: { title: string }) => {
    if (s.title) console.log(`${pad()}${s.title}`);
    depth++;
  });
  runner.on('suite end', () => void depth--);
  runner.on('pass', (t: TestLike) => console.log(`${pad()}✔ ${t.title} (${t.duration ?? 0}ms)`));
  runner.on('pending', (t: TestLike) => console.log(`${pad()}- ${t.title}`));
  runner.on('fail', (t: TestLike, err: { message?: string; stack?: string }) =>
    console.log(`${pad()}✗ ${t.fullTitle()}\n${err.stack ?? err.message ?? String(err)}`),
  );
  runner.on('end', () => {
    const s = runner.stats;
    const results = { passes: s?.passes ?? 0, failures: s?.failures ?? 0, pending: s?.pending ?? 0 };
    console.log(`${results.passes} passing, ${results.failures} failing`);
    console.log(`${RESULTS_MARKER} ${JSON.stringify(results)}`);
  });
}

export async function run(): Promise<void> {
  mocha.setup({
    ui: 'bdd',
    reporter: WebReporter as unknown as Mocha.ReporterConstructor,
    color: false,
    timeout: 30_000,
    slow: 5_000,
  });
  // Loaded here, after setup, so their describe() calls register with this mocha (the bundle evaluates
  // each file when its import runs).
  await import('../host.test');
  await import('../explorer.test');
  await import('../insight.test');
  await import('../lab.test');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
