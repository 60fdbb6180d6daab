// `npm start`: the extension in a real VS Code (code-server) in your browser, on 127.0.0.1.
// On a fresh clone it does its own set-up, builds and packages the vsix, installs it into a fresh
// run folder, opens samples/ with a sample document, prints the URL, and runs until Ctrl+C.
// Env: PORT (default: a free port), LSTM_LENS_SAMPLE (file in samples/ to open; default prose.md).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureSetup, root, run } from './setup.mjs';

const require = createRequire(import.meta.url);
const MIN = 60_000;

async function main() {
  const setupError = await ensureSetup({ needCodeServer: true, log: (m) => console.log(`[start] ${m}`) });
  if (setupError) throw new Error(setupError);

  console.log('[start] building (with the test rig) and packaging the vsix');
  if ((await run(process.execPath, ['scripts/build.mjs'], { timeoutMs: 5 * MIN, label: 'build' })) !== 0) {
    throw new Error('build failed');
  }
  if ((await run(process.execPath, ['scripts/package.mjs'], { timeoutMs: 10 * MIN, label: 'package' })) !== 0) {
    throw new Error('packaging failed');
  }

  const { CodeServer } = require(join(root, 'out/test/rig/server.js'));
  const { vsixPath } = require(join(root, 'out/test/rig/paths.js'));
  const samples = join(root, 'samples');
  const sample = process.env.LSTM_LENS_SAMPLE ?? 'prose.md';
  if (!existsSync(join(samples, sample))) throw new Error(`no sample ${sample} in samples/`);

  const port = process.env.PORT ? Number(process.env.PORT) : 0;
  const server = await CodeServer.start({
    name: 'start',
    workspace: samples,
    port,
    vsix: vsixPath(),
    removeOnStop: true,
  });
  const url = server.workbenchUrl({ payload: [['openFile', server.remoteUri(join(samples, sample))]] });
  const bar = '='.repeat(78);
  console.log(`\n${bar}\n  LSTM Lens is running in VS Code (code-server) at:\n\n    ${url}\n`);
  console.log(`  Workspace: samples/ (opens ${sample}). Run "LSTM Lens: Open Explorer" from the`);
  console.log(`  command palette (F1). Stop with Ctrl+C.\n${bar}\n`);

  // The rig's signal handler stops the server (and removes its run folder) on Ctrl+C.
  const code = await server.exited;
  if (server.stopRequested) {
    // Ctrl+C: the rig's handler is stopping everything and exits with 130 when done.
    await new Promise(() => {
      const keepAlive = () => setTimeout(keepAlive, 60_000);
      keepAlive();
    });
  }
  const log = readFileSync(server.logFile, 'utf8').split('\n').slice(-30).join('\n');
  console.error(`[start] code-server exited (code ${code}); the end of its log:\n${log}`);
  await server.stop();
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[start] ${e.message ?? e}`);
    process.exit(1);
  },
);
