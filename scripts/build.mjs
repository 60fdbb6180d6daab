// Builds the three worlds (host, worker, webview) into dist/ (dist/web/: the host and worker for VS Code for
// the Web), and the CLI and tests into out/.
// Usage: node scripts/build.mjs [--watch] [--production] [--no-tests]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const production = args.has('--production');
const withTests = !args.has('--no-tests');

/** Files below `dir` whose names end in one of `suffixes`, as repo-relative paths. */
function filesUnder(dir, suffixes) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  for (const name of readdirSync(abs)) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(join(dir, name), suffixes));
    else if (suffixes.some((s) => name.endsWith(s))) out.push(relative(root, p));
  }
  return out;
}

/** `import bytes from './x.wat'`: the module compiled by wabt (wat2wasm), embedded as a Uint8Array. */
let wabt = null;
const watPlugin = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async (args) => {
      wabt ??= import('wabt').then(
        (m) => m.default(),
        () => {
          throw new Error(
            'the wabt devDependency is missing (it compiles src/model/engine/kernels.wat): run npm install',
          );
        },
      );
      const w = await wabt;
      const mod = w.parseWat(args.path, readFileSync(args.path, 'utf8'));
      try {
        mod.validate();
        const bytes = mod.toBinary({}).buffer;
        return { contents: `export default new Uint8Array([${bytes.join(',')}]);`, loader: 'js' };
      } finally {
        mod.destroy();
      }
    });
  },
};

const common = {
  plugins: [watPlugin],
  absWorkingDir: root,
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** The tfjs wasm backend loads its binaries from beside the worker bundle. */
function copyWasmBinaries() {
  const from = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const f of readdirSync(from).filter((n) => n.endsWith('.wasm'))) cpSync(join(from, f), join(root, 'dist', f));
}

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.node.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    // The trainer worker and the gradient helper threads it starts (one per spare core, model/parallel.ts).
    entryPoints: { worker: 'src/worker/trainerWorker.ts', gradWorker: 'src/worker/gradWorker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Optional peer modules tfjs probes for in Node; never present here.
    external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  },
  // VS Code for the Web: the extension for its Web Worker extension host (CommonJS, like "main"), and the
  // trainer as a classic script, since VS Code boots nested workers with importScripts.
  {
    ...common,
    entryPoints: { 'web/extension': 'src/extension.web.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { 'web/worker': 'src/worker/trainerWorker.web.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // The model's helper-thread code (gradShard.ts) imports worker_threads; on the web it is never started.
    alias: { 'node:worker_threads': './src/worker/web/noWorkerThreads.ts' },
  },
  {
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

const cliEntries = filesUnder('src/cli', ['.ts']);
if (cliEntries.length > 0) {
  builds.push({
    ...common,
    entryPoints: cliEntries,
    outbase: 'src/cli',
    outdir: 'out/cli',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
  });
}

if (withTests) {
  const testEntries = filesUnder('test', ['.ts']).filter((p) => !p.endsWith('.d.ts'));
  if (testEntries.length > 0) {
    builds.push({
      ...common,
      entryPoints: testEntries,
      outbase: 'test',
      outdir: 'out/test',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
    });
  }
  // The integration tests that need no Node, for the Web Worker extension host (runIntegration --web).
  builds.push({
    ...common,
    entryPoints: { index: 'test/integration/web/index.ts' },
    outdir: 'out/test/integration-web',
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    alias: { 'node:assert/strict': './test/integration/web/assert.ts' },
  });
}

if (!watch) rmSync(join(root, 'dist'), { recursive: true, force: true });
copyWasmBinaries();

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching src/ and test/ for changes');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[build] ${builds.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
