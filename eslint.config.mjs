// Lint rules, including the walls between the three type worlds (host, webview, model).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'util', 'node:*'];

/** What no module of the model world (model, worker, CLI) may import. */
const modelWorldWalls = [
  { group: ['@vscode/webview-ui-toolkit*'], message: 'Import the toolkit only in src/webview/toolkit.ts.' },
  { group: ['**/host/**', '**/webview/**'], message: 'The model world imports neither the host nor the webview.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.cache/', '.test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@vscode/webview-ui-toolkit*'], message: 'Import the toolkit only in src/webview/toolkit.ts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    ignores: ['src/webview/toolkit.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', ...nodeBuiltins],
          patterns: [
            { group: ['@vscode/webview-ui-toolkit*'], message: 'Import the toolkit only in src/webview/toolkit.ts.' },
            {
              group: ['**/host/**', '**/model/**', '**/worker/**', '@tensorflow/*'],
              message: 'The webview sees only src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@vscode/webview-ui-toolkit*'], message: 'Import the toolkit only in src/webview/toolkit.ts.' },
            { group: ['**/webview/**'], message: 'The host never touches the DOM.' },
            {
              group: ['**/model/**', '!**/model/config', '**/worker/**', '@tensorflow/*'],
              allowTypeImports: true,
              message: 'The host talks to the model only through the worker.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/worker/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'], patterns: modelWorldWalls }] },
  },
  {
    // The model speaks the domain's nouns; only the worker translates them to and from messages.
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            ...modelWorldWalls,
            {
              group: ['**/shared/protocol', '**/protocol/**', '**/worker/**'],
              message: 'The model never imports the wire protocol: use src/shared/domain.',
            },
          ],
        },
      ],
    },
  },
  {
    // The contract between host and worker: the domain's nouns and valibot, nothing of either side.
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', ...nodeBuiltins],
          patterns: [
            {
              group: ['**/host/**', '**/webview/**', '**/model/**', '**/worker/**', '**/cli/**', '@*/*'],
              message: 'src/protocol imports only src/shared and valibot.',
            },
          ],
        },
      ],
    },
  },
  {
    // The ground floor: every world imports it, so it imports nothing outside src/shared.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', 'valibot', ...nodeBuiltins],
          patterns: [{ group: ['../**', '@*/*'], message: 'src/shared imports nothing outside src/shared.' }],
        },
      ],
    },
  },
  {
    // VS Code for the Web: the web entries and platforms run in Web Workers, where no Node module exists.
    files: ['src/extension.web.ts', 'src/host/core/platformWeb.ts', 'src/host/core/macrotask.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'VS Code for the Web has no Node modules.' })),
          patterns: [
            { group: ['node:*'], message: 'VS Code for the Web has no Node modules.' },
            { group: ['**/webview/**'], message: 'The host never touches the DOM.' },
            {
              group: ['**/model/**', '**/worker/**', '@tensorflow/*'],
              allowTypeImports: true,
              message: 'The host talks to the model only through the worker.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/worker/trainerWorker.web.ts', 'src/worker/platformWeb.ts', 'src/worker/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', ...nodeBuiltins.map((name) => ({ name, message: 'A Web Worker has no Node modules.' }))],
          patterns: [...modelWorldWalls, { group: ['node:*'], message: 'A Web Worker has no Node modules.' }],
        },
      ],
    },
  },
  {
    // The one module allowed to import the toolkit; still a webview module.
    files: ['src/webview/toolkit.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode', ...nodeBuiltins] }] },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        fetch: 'readonly',
      },
    },
  },
);
