// ESLint flat config: typescript-eslint's recommended type-checked rules, the project's layering as
// import-x/no-restricted-paths zones, no file-level import cycles (import-x/no-cycle), and
// eslint-config-prettier last so that formatting is Prettier's alone.
import js from '@eslint/js';
import eslintConfigPrettier from 'eslint-config-prettier/flat';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/**
 * The top-level folders and which other project folders each may import ('*': any).
 * A folder missing from its own list may still import itself; test/ may import anything.
 */
const LAYERS = {
  db: [],
  catalogue: [],
  knowledge: ['db', 'catalogue'],
  scheduler: ['db', 'catalogue', 'knowledge'],
  dialogs: ['knowledge', 'scheduler', 'catalogue'],
  // The administrators' console: pages over the stores and admin actions; bot/ mounts it.
  console: ['db', 'catalogue', 'knowledge', 'scheduler'],
  bot: '*',
  test: '*',
};
const FOLDERS = Object.keys(LAYERS);

const zones = Object.entries(LAYERS)
  .filter(([, allowed]) => allowed !== '*')
  .map(([layer, allowed]) => ({
    target: `./${layer}`,
    from: FOLDERS.filter((other) => other !== layer && !allowed.includes(other)).map((other) => `./${other}`),
    message: allowed.length
      ? `${layer}/ may import only ${allowed.map((a) => `${a}/`).join(', ')}.`
      : `${layer}/ imports no other project folder.`,
  }));

/** Only dialogs/ and bot/ speak Bot Framework; the layers below stay free of its packages. */
const BOT_FRAMEWORK_FREE = ['db', 'catalogue', 'knowledge', 'scheduler', 'console'];
const botFrameworkBan = {
  group: ['botbuilder', 'botbuilder/**', 'botbuilder-*', 'botbuilder-*/**', 'botframework-*', 'botframework-*/**'],
  message: 'Only dialogs/ and bot/ may use Bot Framework packages (botbuilder*, botframework-*).',
};

const TS_EXTENSIONS = ['.ts', '.tsx', '.cts', '.mts'];

export default defineConfig(
  // *.tmp.ts are scratch files, git-ignored.
  globalIgnores(['node_modules/', 'dist/', 'coverage/', 'test/artifacts/', 'data/', '**/*.tmp.ts']),
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    // Type-aware rules: the whole lint takes about 15 s on 2 cores, against 7 s without them.
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle and no-restricted-paths need every relative import resolved to its .ts file:
      // an import the resolver cannot find is skipped silently by both rules (test/lint.test.ts
      // checks that they still report). The other three settings are import-x's TypeScript preset's.
      'import-x/resolver-next': [createNodeResolver({ extensions: [...TS_EXTENSIONS, '.js', '.json', '.node'] })],
      'import-x/extensions': [...TS_EXTENSIONS, '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': TS_EXTENSIONS },
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
    },
    rules: {
      // The code's convention (and tsc's): a leading _ marks a name left unused on purpose, and
      // `const { dropped, ...rest } = x` is how a property is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // restify's and botbuilder's handlers are async by contract, awaited or not.
      '@typescript-eslint/require-await': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
    },
  },
  {
    // Tests read JSON replies (HTTP bodies, stored rows) whose shape is what they assert.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: BOT_FRAMEWORK_FREE.map((layer) => `${layer}/**/*.ts`),
    rules: {
      'no-restricted-imports': ['error', { patterns: [botFrameworkBan] }],
    },
  },
  {
    // The browser page's ES modules; Web Chat is loaded by a <script> tag as window.WebChat.
    files: ['bot/web/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    // The console's one browser script, a classic script; uPlot is loaded before it as window.uPlot.
    files: ['console/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, uPlot: 'readonly' } },
  },
  {
    files: ['**/*.{js,cjs}'],
    ignores: ['bot/web/public/**', 'console/public/**'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  eslintConfigPrettier,
);
