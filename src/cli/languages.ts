// The CLI has file names where the extension has VS Code language ids: this maps one to the other.

const BY_EXTENSION: Record<string, string> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescriptreact',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  hxx: 'cpp',
  m: 'objective-c',
  java: 'java',
  cs: 'csharp',
  go: 'go',
  rs: 'rust',
  swift: 'swift',
  kt: 'kotlin',
  kts: 'kotlin',
  scala: 'scala',
  dart: 'dart',
  php: 'php',
  css: 'css',
  scss: 'scss',
  less: 'less',
  json: 'json',
  jsonc: 'jsonc',
  py: 'python',
  pyi: 'python',
  pyx: 'cython',
  sh: 'shellscript',
  bash: 'shellscript',
  zsh: 'shellscript',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'toml',
  pl: 'perl',
  pm: 'perl',
  rb: 'ruby',
  r: 'r',
  ps1: 'powershell',
  md: 'markdown',
  markdown: 'markdown',
  txt: 'plaintext',
  rst: 'restructuredtext',
  tex: 'latex',
};

/** A VS Code language id from a file name ('plaintext' when the name says nothing). */
export function languageIdOfFile(name: string): string {
  const lower = name.toLowerCase();
  const base = lower.split(/[\\/]/).pop() ?? lower;
  if (base === 'makefile' || base === 'gnumakefile') return 'makefile';
  if (base === 'dockerfile') return 'dockerfile';
  const ext = base.includes('.') ? base.slice(base.lastIndexOf('.') + 1) : '';
  return Object.hasOwn(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : 'plaintext';
}
