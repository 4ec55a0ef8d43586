import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Database, DatabaseFileError, openDatabase } from '../../db';
import { CuratedDataError } from '../curated';
import { PlanError } from '../plan/types';
import { DEFAULT_SOURCE, buildKnowledgeBase, exportItems, loadPlan } from '../store';

const USAGE = `usage: npm run kb -- build [--source FILE] [--create]
       npm run --silent kb -- export
       --create: make the database (DB_PATH) if it does not exist`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { source: { type: 'string' }, create: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!command) {
    // A usage error: the usage goes to stderr and the exit code says it failed.
    console.error(USAGE);
    return 2;
  }
  const db = await openDatabase(undefined, { create: values.create === true });
  console.error(`database: ${path.resolve(db.file)}`);
  try {
    if (command === 'build') return await build(db, values.source ?? DEFAULT_SOURCE);
    if (command === 'export') return await exportJson(db);
    console.error(`unknown command “${command}”\n${USAGE}`);
    return 2;
  } finally {
    await db.close();
  }
}

async function build(db: Database, sourceFile: string): Promise<number> {
  const started = process.hrtime.bigint();
  const source = fs.readFileSync(sourceFile, 'utf8');
  const report = await buildKnowledgeBase(db, source, (step) => console.error(`… ${step}`));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `built ${db.file} from ${sourceFile} in ${ms.toFixed(0)} ms${report.changed ? '' : ' (source unchanged)'}:\n` +
      `  ${report.items} items (${report.tasks} tasks, ${report.items - report.tasks} 组织实施 items)\n` +
      `  ${report.units} responsible units\n` +
      `  ${report.deadlines} deadlines, ${report.recurring} recurring duties`,
  );
  return 0;
}

async function exportJson(db: Database): Promise<number> {
  const plan = await loadPlan(db);
  if (!plan) {
    console.error('no knowledge base yet: run `npm run kb -- build` first');
    return 1;
  }
  console.log(JSON.stringify(exportItems(plan), null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    const known =
      err instanceof PlanError ||
      err instanceof CuratedDataError ||
      err instanceof DatabaseFileError ||
      (err as NodeJS.ErrnoException).code === 'ENOENT';
    console.error(known ? `error: ${(err as Error).message}\nnothing was written.` : err);
    process.exitCode = 1;
  },
);
