import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { type Answer, type AnswerContext, openKnowledge } from '../index';

const USAGE = `usage: npm run --silent ask -- [--json] [--create] "问题"
       npm run --silent ask -- --json --batch [--conversation] < questions.txt
         (one question per line; with --conversation each line follows up on the ones before, as in a chat)
       --create: make the database (DB_PATH) if it does not exist`;

function toJson(a: Answer): string {
  const { question, lang, intent, taskIds, departments, answer, status, suggestions, coverage, faqIds } = a;
  return JSON.stringify({ question, lang, intent, taskIds, departments, answer, status, suggestions, coverage, faqIds });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      batch: { type: 'boolean' },
      conversation: { type: 'boolean' },
      create: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.batch && positionals.length === 0) {
    // A usage error: the usage goes to stderr and the exit code says it failed.
    console.error(USAGE);
    return 2;
  }
  const { db, engine } = await openKnowledge({ create: values.create === true });
  console.error(`database: ${path.resolve(db.file)}`);
  const print = (a: Answer) => console.log(values.json ? toJson(a) : `${a.answer}\n`);
  try {
    if (!values.batch) {
      print(engine.answer(positionals.join(' ')));
      return 0;
    }
    // Without --conversation each line is answered on its own, as a list of first questions.
    let context: AnswerContext = {};
    for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      const answer = engine.answer(line, context);
      if (values.conversation) context = answer.context;
      print(answer);
    }
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
