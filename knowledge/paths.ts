import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root: the nearest folder above this file with a package.json. Run as TypeScript
 * this file is knowledge/paths.ts; compiled it is dist/knowledge/paths.js, and the data files,
 * the plan's text and the web page's files are not copied to dist/: both find them here.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(__dirname);

/** A path inside the project's source tree, e.g. projectPath('knowledge', 'data'). */
export function projectPath(...segments: string[]): string {
  return path.join(PROJECT_ROOT, ...segments);
}
