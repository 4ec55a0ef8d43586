/**
 * Every answer of every question set in test/eval/, as a file to compare against: a change that
 * should not move any answer (a refactor, a new FAQ entry) proves it with `golden.test.ts`.
 * `npx tsx test/eval/golden.ts --update` rewrites the file after a change meant to move answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AnswerEngine } from '../../knowledge';
import { readCases } from './judge';

export const EVAL_DIR = __dirname;
export const GOLDEN_FILE = path.join(EVAL_DIR, 'answers.golden.jsonl');

/** The question sets: every .jsonl file here but the golden one, in name order. */
export function questionSets(): string[] {
  return fs
    .readdirSync(EVAL_DIR)
    .filter((f) => f.endsWith('.jsonl') && path.join(EVAL_DIR, f) !== GOLDEN_FILE)
    .sort();
}

/** One line per question: the set, the case id and what a user and the `ask` CLI see of the answer. */
export function answerLines(engine: AnswerEngine): string[] {
  return questionSets().flatMap((set) =>
    readCases(path.join(EVAL_DIR, set)).map((c) => {
      const { question, lang, intent, status, coverage, taskIds, departments, answer, suggestions, truncated, context } = engine.answer(
        c.q,
      );
      return JSON.stringify({
        set,
        id: c.id,
        question,
        lang,
        intent,
        status,
        coverage,
        taskIds,
        departments,
        answer,
        suggestions,
        truncated,
        context,
      });
    }),
  );
}

async function update(): Promise<void> {
  const { openKnowledge } = await import('../../knowledge');
  const { db, engine } = await openKnowledge({ dbPath: ':memory:' });
  const lines = answerLines(engine);
  fs.writeFileSync(GOLDEN_FILE, `${lines.join('\n')}\n`);
  console.log(`${lines.length} answers written to ${path.relative(process.cwd(), GOLDEN_FILE)}`);
  await db.close();
}

if (require.main === module && process.argv.includes('--update')) void update();
