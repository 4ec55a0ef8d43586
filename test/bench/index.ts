/** `npm run bench`: runs each benchmark in its own process, one after another, so that none skews another. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const BENCHES = ['knowledge.ts', 'http.ts', 'dispatch.ts', 'assessment.ts'];

let failed = false;
for (const file of BENCHES) {
  const script = path.join(__dirname, file);
  if (!fs.existsSync(script)) continue;
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`${file} failed with exit code ${run.status}`);
    failed = true;
  }
  console.log('');
}
process.exitCode = failed ? 1 : 0;
