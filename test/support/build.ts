import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SOURCES = ['bot', 'catalogue', 'db', 'dialogs', 'knowledge', 'scheduler'];

/** The compiled server's entry, as `npm start` runs it. */
export const COMPILED_ENTRY = path.join(ROOT, 'dist', 'bot', 'index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * Runs `npm run build` when dist/ is missing or older than a source file (or the build's
 * tsconfig), so that what runs compiled is the code as it is now.
 */
export function ensureBuilt(): void {
  const sources = Math.max(
    ...SOURCES.map((d) => newestSource(path.join(ROOT, d))),
    fs.statSync(path.join(ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (fs.existsSync(COMPILED_ENTRY) && fs.statSync(COMPILED_ENTRY).mtimeMs >= sources) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The arguments `npm start` gives node (from package.json), e.g. ['--enable-source-maps', …, 'dist/bot/index.js']. */
export function startArguments(): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = scripts.start.split(' ');
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node`);
  return args;
}
