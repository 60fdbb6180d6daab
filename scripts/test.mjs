// `npm test`: the one test command for developers and CI. On a fresh clone it does its own set-up,
// then: lint, typecheck, build, unit, integration (mocha in a real extension host), integration-web (the
// part that needs no Node, in the Web Worker extension host of VS Code for the Web), package (vsix), ui
// (the packaged vsix in the real workbench; web.test.ts runs the extension in both extension hosts). Prints a summary and, last, "N passed, N failed".
// Flags: --only unit|integration|ui   run set-up, build and that stage only
//        --skip-lint                  skip eslint + prettier
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSetup, root, run } from './setup.mjs';

const argv = process.argv.slice(2);
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
const skipLint = argv.includes('--skip-lint');
if (only && !['unit', 'integration', 'ui'].includes(only)) {
  console.error(`--only takes unit, integration or ui (got ${only})`);
  process.exit(2);
}

const out = join(root, '.test-output');
const resultsDir = join(out, 'results');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const MIN = 60_000;

/** Clears what an earlier `npm test` left, but not the run folder of a live `npm start`. */
function clearOutput() {
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(out)) {
    if (!name.startsWith('start-')) rmSync(join(out, name), { recursive: true, force: true });
  }
  mkdirSync(resultsDir, { recursive: true });
}

const stages = [];
let interrupted = false;
process.on('SIGINT', () => (interrupted = true));
process.on('SIGTERM', () => (interrupted = true));

/**
 * Runs one stage: a header, its commands in order (stopping at the first failure), its time.
 * A mocha stage writes its counts to results/<name>.json; a stage that fails without counts
 * counts as one failure.
 */
async function stage(name, commands, { mocha = false, timeoutMs = 10 * MIN, env = {} } = {}) {
  const record = { name, status: 'ok', seconds: 0, passes: 0, failures: 0, pending: 0, mocha };
  stages.push(record);
  if (interrupted) {
    record.status = 'skipped';
    return false;
  }
  console.log(`\n━━━━ ${name} ${'━'.repeat(Math.max(4, 70 - name.length))}`);
  const resultsFile = join(resultsDir, `${name}.json`);
  rmSync(resultsFile, { force: true });
  const started = Date.now();
  let ok = true;
  for (const [command, ...args] of commands) {
    const remaining = timeoutMs - (Date.now() - started);
    const code = await run(command, args, {
      timeoutMs: Math.max(remaining, 1_000),
      label: name,
      env: { ...env, LSTM_LENS_RESULTS_FILE: resultsFile, LSTM_LENS_ROOT: root },
    });
    if (code !== 0) {
      ok = false;
      break;
    }
  }
  record.seconds = (Date.now() - started) / 1000;
  if (mocha && existsSync(resultsFile)) {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
    Object.assign(record, { passes: r.passes, failures: r.failures, pending: r.pending });
  }
  if (!ok && record.failures === 0) record.failures = 1;
  if (ok && record.failures > 0) ok = false;
  record.status = ok ? 'ok' : 'FAILED';
  console.log(`──── ${name}: ${record.status} in ${record.seconds.toFixed(1)} s`);
  return ok;
}

function skip(name, why) {
  stages.push({ name, status: `skipped (${why})`, seconds: 0, passes: 0, failures: 0, pending: 0 });
}

async function main() {
  const t0 = Date.now();
  clearOutput();
  const wants = (s) => !only || only === s;
  const needServer = wants('integration') || wants('ui');

  // Set-up: node_modules, Debian packages, code-server. Counted as a stage so its time shows.
  const setupStart = Date.now();
  console.log(`━━━━ set-up ${'━'.repeat(63)}`);
  const setupError = await ensureSetup({ needCodeServer: needServer, log: (m) => console.log(`[set-up] ${m}`) });
  const setupRecord = {
    name: 'set-up',
    status: 'ok',
    seconds: (Date.now() - setupStart) / 1000,
    passes: 0,
    failures: 0,
    pending: 0,
  };
  stages.push(setupRecord);
  if (setupError) {
    console.error(`[set-up] ${setupError}`);
    setupRecord.status = 'FAILED';
    setupRecord.failures = 1;
    return finish(t0);
  }
  console.log(`──── set-up: ok in ${setupRecord.seconds.toFixed(1)} s`);

  if (!only) {
    if (skipLint) skip('lint', '--skip-lint');
    else
      await stage(
        'lint',
        [
          [bin('eslint'), '.'],
          [bin('prettier'), '--check', '.'],
        ],
        { timeoutMs: 10 * MIN },
      );
    await stage('typecheck', [['npm', 'run', '--silent', 'typecheck']], { timeoutMs: 10 * MIN });
  }
  const built = await stage('build', [[process.execPath, 'scripts/build.mjs']], { timeoutMs: 5 * MIN });
  const rig = join(root, 'out', 'test', 'rig');

  if (wants('unit')) {
    if (built) {
      await stage('unit', [[process.execPath, join(rig, 'runMocha.js'), 'out/test/unit']], {
        mocha: true,
        timeoutMs: 10 * MIN,
      });
    } else skip('unit', 'build failed');
  }
  if (wants('integration')) {
    if (built) {
      await stage('integration', [[process.execPath, join(rig, 'runIntegration.js')]], {
        mocha: true,
        timeoutMs: 10 * MIN,
      });
    } else skip('integration', 'build failed');
    // The same tests that need no Node, in VS Code for the Web's Web Worker extension host.
    if (built) {
      await stage('integration-web', [[process.execPath, join(rig, 'runIntegration.js'), '--web']], {
        mocha: true,
        timeoutMs: 10 * MIN,
      });
    } else skip('integration-web', 'build failed');
  }
  if (wants('ui')) {
    const packaged =
      built && (await stage('package', [[process.execPath, 'scripts/package.mjs']], { timeoutMs: 10 * MIN }));
    if (packaged) {
      await stage('ui', [[process.execPath, join(rig, 'runMocha.js'), '--timeout', '120000', 'out/test/ui']], {
        mocha: true,
        timeoutMs: 20 * MIN,
      });
    } else skip('ui', built ? 'package failed' : 'build failed');
  }
  return finish(t0);
}

function finish(t0) {
  const total = (Date.now() - t0) / 1000;
  const sum = (k) => stages.reduce((n, s) => n + (s[k] ?? 0), 0);
  const passed = sum('passes');
  const failed = sum('failures');
  const skipped = sum('pending');
  console.log(`\n━━━━ summary ${'━'.repeat(62)}`);
  for (const s of stages) {
    const counts = s.mocha
      ? `  ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}`
      : '';
    console.log(`  ${s.name.padEnd(15)} ${s.status.padEnd(28)} ${s.seconds.toFixed(1).padStart(7)} s${counts}`);
  }
  console.log(`  ${'total'.padEnd(15)} ${''.padEnd(28)} ${total.toFixed(1).padStart(7)} s`);
  if (existsSync(join(out, 'screenshots'))) console.log(`  screenshots: .test-output/screenshots/`);
  const ok =
    !interrupted && failed === 0 && stages.every((s) => s.status === 'ok' || s.status === 'skipped (--skip-lint)');
  if (interrupted) console.log('  interrupted');
  // Alone on the last line; a run that failed outside mocha (or was interrupted) shows at least one failure.
  const failedShown = ok ? failed : Math.max(failed, 1);
  console.log(`${passed} passed, ${failedShown} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
