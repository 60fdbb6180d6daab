// The mocha runner VS Code calls inside the extension host (payload extensionTestsPath points here).
// Loads every out/test/integration/**/*.test.js; the counts reach scripts/test.mjs through the log.
import Mocha from 'mocha';
import { CountingReporter, findTestFiles } from '../rig/reporter';

export function run(): Promise<void> {
  // LSTM_LENS_TEST_GREP narrows a run while debugging (the extension host inherits the server's env).
  const grep = process.env.LSTM_LENS_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: CountingReporter, color: false, timeout: 30_000, slow: 5_000, grep });
  for (const f of findTestFiles(__dirname)) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}
