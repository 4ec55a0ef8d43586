// The layering and the ban on import cycles that eslint.config.mjs enforces, checked on code
// that exists only in memory: if a rule stops reporting (a resolver that no longer finds .ts
// files makes import-x/no-restricted-paths and import-x/no-cycle pass silently), these fail.
//
// ESLint runs in a child Node process: it loads eslint.config.mjs with import(), which jest's
// module sandbox refuses without --experimental-vm-modules.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

interface Probe {
  /** Where the in-memory file pretends to live, relative to the repository. */
  file: string;
  code: string;
}
interface Finding {
  ruleId: string | null;
  message: string;
}

/** Lints each probe with the project's own config; type-aware rules are off, as they are not what is checked. */
function lint(probes: Probe[]): Finding[][] {
  const script = `
    const { ESLint } = require('eslint');
    const tseslint = require('typescript-eslint');
    const probes = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [tseslint.configs.disableTypeChecked] });
    (async () => {
      const out = [];
      for (const { file, code } of probes) {
        const [result] = await eslint.lintText(code, { filePath: file, warnIgnored: true });
        out.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((err) => { console.error(err); process.exit(1); });
  `;
  const stdout = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, input: JSON.stringify(probes), encoding: 'utf8' });
  return JSON.parse(stdout) as Finding[][];
}

/** An import specifier, from `fromFolder`, of a module that exists in `folder`, so the resolver has a file to find. */
function moduleIn(folder: string, fromFolder: string): string {
  const file = readdirSync(path.join(ROOT, folder))
    .filter((name) => name.endsWith('.ts'))
    .sort((a, b) => Number(b === 'index.ts') - Number(a === 'index.ts') || a.localeCompare(b))[0];
  if (!file) throw new Error(`no .ts file in ${folder}/`);
  return path.posix.relative(fromFolder, `${folder}/${file.replace(/\.ts$/, '')}`);
}

const SOURCE_FOLDERS = ['db', 'catalogue', 'knowledge', 'scheduler', 'dialogs', 'console', 'bot'];

/** The .ts files under a folder of the repository (none if it does not exist). */
function tsFiles(folder: string): string[] {
  const dir = path.join(ROOT, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.posix.join(folder, name.split(path.sep).join('/')))
    .sort();
}

/**
 * A relative import of values (not only types, which import-x/no-cycle skips) in the tree as it
 * is: `importer` imports `imported`. Giving `imported` an import of `importer` closes a cycle.
 */
function aValueImport(): { importer: string; imported: string } {
  const IMPORT = /^import\s+(?!type\s)([^;]*?)\s+from\s+'(\.{1,2}\/[^']+)';/gm;
  for (const importer of SOURCE_FOLDERS.flatMap(tsFiles)) {
    for (const [, clause, spec] of readFileSync(path.join(ROOT, importer), 'utf8').matchAll(IMPORT)) {
      const named = /^\{([^}]*)\}$/.exec(clause.trim());
      if (named && named[1].split(',').every((s) => !s.trim() || /^type\s/.test(s.trim()))) continue;
      const base = path.posix.join(path.posix.dirname(importer), spec);
      const imported = [`${base}.ts`, `${base}/index.ts`].find((f) => existsSync(path.join(ROOT, f)));
      if (imported) return { importer, imported };
    }
  }
  throw new Error('no relative value import in the source folders');
}

const BOUNDARY_RULES = ['import-x/no-restricted-paths', 'no-restricted-imports', 'import-x/no-cycle'];
const boundaryRules = (findings: Finding[]): string[] =>
  findings.filter((f) => f.ruleId === null || BOUNDARY_RULES.includes(f.ruleId)).map((f) => f.ruleId ?? f.message);

describe('eslint.config.mjs enforces the layering', () => {
  const cases: { name: string; probe: Probe; expected: string[] }[] = [
    {
      name: 'scheduler/ importing bot/',
      probe: { file: 'scheduler/lintProbe.ts', code: `import '${moduleIn('bot', 'scheduler')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'scheduler/ importing a type from bot/',
      probe: {
        file: 'scheduler/cli/lintProbe.ts',
        code: `import type * as Bot from '${moduleIn('bot', 'scheduler/cli')}';\nexport type T = typeof Bot;\n`,
      },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'scheduler/ importing dialogs/',
      probe: { file: 'scheduler/lintProbe.ts', code: `import '${moduleIn('dialogs', 'scheduler')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'scheduler/ importing botbuilder',
      probe: {
        file: 'scheduler/lintProbe.ts',
        code: `import type { ConversationReference } from 'botbuilder';\nexport type R = ConversationReference;\n`,
      },
      expected: ['no-restricted-imports'],
    },
    {
      name: 'scheduler/ importing a botbuilder-dialogs or botframework-* module',
      probe: {
        file: 'scheduler/lintProbe.ts',
        code: `import 'botbuilder-dialogs/lib/dialog';\nimport 'botframework-connector';\n`,
      },
      expected: ['no-restricted-imports', 'no-restricted-imports'],
    },
    {
      name: 'knowledge/ importing dialogs/',
      probe: { file: 'knowledge/lintProbe.ts', code: `import '${moduleIn('dialogs', 'knowledge')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'knowledge/ importing scheduler/ and bot/',
      probe: {
        file: 'knowledge/understand/lintProbe.ts',
        code: `import '${moduleIn('scheduler', 'knowledge/understand')}';\nimport '${moduleIn('bot', 'knowledge/understand')}';\n`,
      },
      expected: ['import-x/no-restricted-paths', 'import-x/no-restricted-paths'],
    },
    {
      name: 'dialogs/ importing bot/',
      probe: { file: 'dialogs/lintProbe.ts', code: `import '${moduleIn('bot', 'dialogs')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'db/ importing knowledge/',
      probe: { file: 'db/lintProbe.ts', code: `import '${moduleIn('knowledge', 'db')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'catalogue/ importing knowledge/',
      probe: { file: 'catalogue/lintProbe.ts', code: `import '${moduleIn('knowledge', 'catalogue')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'scheduler/ importing knowledge/ (allowed)',
      probe: { file: 'scheduler/lintProbe.ts', code: `import '${moduleIn('knowledge', 'scheduler')}';\n` },
      expected: [],
    },
    {
      name: 'dialogs/ importing knowledge/ and botbuilder (allowed)',
      probe: { file: 'dialogs/lintProbe.ts', code: `import '${moduleIn('knowledge', 'dialogs')}';\nimport 'botbuilder';\n` },
      expected: [],
    },
    {
      name: 'console/ importing bot/ (bot/ mounts the console, not the other way)',
      probe: { file: 'console/lintProbe.ts', code: `import '${moduleIn('bot', 'console')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'console/ importing dialogs/ and botbuilder',
      probe: { file: 'console/pages/lintProbe.ts', code: `import '${moduleIn('dialogs', 'console/pages')}';\nimport 'botbuilder';\n` },
      expected: ['import-x/no-restricted-paths', 'no-restricted-imports'],
    },
    {
      name: 'console/ importing scheduler/ and db/ (allowed)',
      probe: {
        file: 'console/lintProbe.ts',
        code: `import '${moduleIn('scheduler', 'console')}';\nimport '${moduleIn('db', 'console')}';\n`,
      },
      expected: [],
    },
    {
      name: 'scheduler/ importing console/',
      probe: { file: 'scheduler/lintProbe.ts', code: `import '${moduleIn('console', 'scheduler')}';\n` },
      expected: ['import-x/no-restricted-paths'],
    },
    {
      name: 'bot/ importing scheduler/ (allowed)',
      probe: { file: 'bot/lintProbe.ts', code: `import '${moduleIn('scheduler', 'bot')}';\n` },
      expected: [],
    },
    (() => {
      const { importer, imported } = aValueImport();
      let back = path.posix.relative(path.posix.dirname(imported), importer).replace(/\.ts$/, '');
      if (!back.startsWith('.')) back = `./${back}`;
      return {
        name: `a cycle: ${imported} importing ${importer}, which imports it`,
        probe: { file: imported, code: `import '${back}';\n` },
        expected: ['import-x/no-cycle'],
      };
    })(),
  ];

  let results: Finding[][];
  beforeAll(() => {
    results = lint(cases.map((c) => c.probe));
  });

  test.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    expect(boundaryRules(results[i])).toEqual(cases[i].expected);
  });
});
