// The compute back-end under Node (worker_threads, CLI, tests): engineBackend.ts with the .wasm binaries
// read from a folder, beside the bundle when scripts/build.mjs copied them there, else in node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendName } from './config';
import { WASM_FILES, startBackend, type EngineBackend, type LogFn } from './engineBackend';

export type { EngineBackend, LogFn } from './engineBackend';

/** Where the .wasm binaries are: beside this bundle if copied there (dist/), else in node_modules. */
export function defaultWasmDir(): string {
  if (typeof __dirname === 'string' && fs.existsSync(path.join(__dirname, WASM_FILES.simd)))
    return __dirname + path.sep;
  try {
    return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  } catch {
    return (typeof __dirname === 'string' ? __dirname : process.cwd()) + path.sep;
  }
}

/** Brings up the requested back-end once per thread; falls back to JS (and logs why) when wasm fails. */
export function initBackend(
  preferred: BackendName,
  opts: { wasmDir?: string; log?: LogFn } = {},
): Promise<EngineBackend> {
  const dir = opts.wasmDir ?? defaultWasmDir();
  return startBackend(preferred, {
    wasm: { dir: dir.endsWith(path.sep) || dir.endsWith('/') ? dir : dir + '/' },
    log: opts.log,
  });
}
