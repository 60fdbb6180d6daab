// Runs mocha under plain Node over every *.test.js below the given folders, with CountingReporter.
// Usage: node out/test/rig/runMocha.js [--timeout ms] [--grep re] DIR...
// Writes the counts to $LSTM_LENS_RESULTS_FILE when set. Exit code 1 on any failure.
import { resolve } from 'node:path';
import Mocha from 'mocha';
import { runCleanups } from './procs';
import { CountingReporter, findTestFiles } from './reporter';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let timeout = 10_000;
  let grep: string | undefined;
  const dirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--timeout') timeout = Number(args[++i]);
    else if (args[i] === '--grep') grep = args[++i];
    else dirs.push(resolve(args[i]));
  }
  const files = dirs.flatMap((d) => findTestFiles(d));
  const mocha = new Mocha({ reporter: CountingReporter, timeout, color: Boolean(process.stdout.isTTY), slow: 2_000 });
  if (grep) mocha.grep(grep);
  for (const f of files) mocha.addFile(f);
  if (files.length === 0) console.log(`no *.test.js files below ${dirs.join(', ')}`);
  const failures = await new Promise<number>((done) => mocha.run(done));
  await runCleanups();
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(e);
    await runCleanups();
    process.exit(1);
  },
);
