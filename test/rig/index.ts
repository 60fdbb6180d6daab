// The test rig: a fresh code-server per run, Debian's Chromium through playwright-core, and
// helpers that drive the real VS Code workbench. See test/rig/README.md.
export * from './browser';
export * from './paths';
export * from './procs';
export * from './reporter';
export * from './server';
export * from './session';
export * from './workbench';
