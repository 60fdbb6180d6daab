// Mocha's spec output, plus one machine-readable line with the counts that scripts/test.mjs adds up.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export const RESULTS_MARKER = 'LSTM_LENS_RESULTS';

export interface Results {
  passes: number;
  failures: number;
  pending: number;
}

/** Parses the marker line printed by CountingReporter out of any text. */
export function parseResults(text: string): Results | undefined {
  const m = new RegExp(`${RESULTS_MARKER} (\\{[^\\n]*\\})`).exec(text);
  return m ? (JSON.parse(m[1]) as Results) : undefined;
}

export class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      const results: Results = { passes: s?.passes ?? 0, failures: s?.failures ?? 0, pending: s?.pending ?? 0 };
      console.log(`${RESULTS_MARKER} ${JSON.stringify(results)}`);
      const file = process.env.LSTM_LENS_RESULTS_FILE;
      if (file) writeFileSync(file, JSON.stringify(results) + '\n');
    });
  }
}

/** Every *.test.js below `dir`, sorted. */
export function findTestFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTestFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
