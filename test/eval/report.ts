/** Prints how the engine does on question sets, with every miss: `npx tsx test/eval/report.ts FILE…`. */
import { openDatabase } from '../../db';
import { AnswerEngine } from '../../knowledge/engine';
import { ensureKnowledgeBase } from '../../knowledge/store';
import { judge, readCases } from './judge';

async function main(files: string[]) {
  const db = await openDatabase(':memory:');
  const engine = new AnswerEngine({ plan: await ensureKnowledgeBase(db) });
  for (const file of files) {
    const cases = readCases(file);
    let ok = 0;
    const byKind = new Map<string, [number, number]>();
    for (const c of cases) {
      const a = engine.answer(c.q);
      const why = judge(c, a);
      const k = byKind.get(c.kind) ?? [0, 0];
      k[1]++;
      if (!why.length) {
        ok++;
        k[0]++;
      } else {
        console.log(
          `FAIL ${c.id} [${c.kind}] ${c.q}\n     ${why.join('; ')}\n     -> ${a.intent}/${a.status} ${JSON.stringify(a.taskIds)} ${JSON.stringify(a.departments.slice(0, 2))} ${a.answer.slice(0, 80).replace(/\n/g, ' ')}`,
        );
      }
      byKind.set(c.kind, k);
    }
    console.log([...byKind].map(([k, [o, n]]) => `${k} ${o}/${n}`).join(', '));
    console.log(`${file}: ${((100 * ok) / cases.length).toFixed(1)}% (${ok}/${cases.length})`);
  }
  await db.close();
}

void main(process.argv.slice(2));
