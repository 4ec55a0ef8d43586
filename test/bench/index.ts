/**
 * `npm run bench [-- --readme]`: runs each benchmark in its own process, one after another, so
 * that none skews another; then prints every figure they reported as one Markdown block (see
 * figures.ts for how a bench reports a figure). With --readme the block also replaces the one in
 * README.md between <!-- bench:start --> and <!-- bench:end -->, when every bench succeeded.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Figure, figuresBlock, readFigures, replaceReadmeBlock } from './figures';

/** The benches, in the order they run; each prints FIGURE lines (figures.ts). */
const BENCHES = ['knowledge.ts', 'http.ts', 'dispatch.ts', 'schedulers.ts', 'assessment.ts'];

/** Runs one bench, passing its output through, and returns that output. */
function runBench(script: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

async function main(): Promise<void> {
  const writeReadme = process.argv.includes('--readme');
  let failed = false;
  const figures: Figure[] = [];
  for (const file of BENCHES) {
    const script = path.join(__dirname, file);
    if (!fs.existsSync(script)) continue;
    const run = await runBench(script);
    if (run.code !== 0) {
      console.error(`${file} failed with exit code ${run.code}`);
      failed = true;
    }
    figures.push(...readFigures(run.stdout));
    console.log('');
  }
  const block = figuresBlock(figures, {
    date: new Date().toISOString().slice(0, 10),
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    node: process.version,
  });
  console.log(['== figures, for README.md ==', '', block, ''].join('\n'));
  if (writeReadme && !failed) {
    const readme = path.join(__dirname, '..', '..', 'README.md');
    fs.writeFileSync(readme, replaceReadmeBlock(fs.readFileSync(readme, 'utf8'), block));
    console.log('README.md: figures replaced');
  } else if (writeReadme) {
    console.log('README.md left as it was: a bench failed');
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
