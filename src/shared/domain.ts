// The vocabulary every world shares (host, webview, model, worker, CLI); it imports nothing outside src/shared.
export * from './assertNever';
export * from './gates';
export * from './insight';
export * from './lab';
export * from './limits';
export * from './prediction';
export * from './training';
