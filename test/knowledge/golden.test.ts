import fs from 'node:fs';
import { openDatabase } from '../../db';
import { AnswerEngine } from '../../knowledge/engine';
import { ensureKnowledgeBase } from '../../knowledge/store';
import { GOLDEN_FILE, answerLines } from '../eval/golden';

test('every question set in test/eval/ is answered exactly as recorded in answers.golden.jsonl', async () => {
  const db = await openDatabase(':memory:');
  const engine = new AnswerEngine({ plan: await ensureKnowledgeBase(db) });
  await db.close();
  const recorded = fs.readFileSync(GOLDEN_FILE, 'utf8').trimEnd().split('\n');
  const now = answerLines(engine);
  const changed = now.filter((line, i) => line !== recorded[i]).map((line) => JSON.parse(line) as { set: string; id: string });
  // Names the questions whose answers moved; `npx tsx test/eval/golden.ts --update` records a wanted change.
  expect(changed.map((c) => `${c.set} ${c.id}`)).toEqual([]);
  expect(now).toHaveLength(recorded.length);
});
