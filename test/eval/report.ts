/** Prints how the engine does on question sets, with every miss: `npx tsx test/eval/report.ts FILE…`. */
import { openDatabase } from '../../db';
import { AnswerEngine } from '../../knowledge/engine';
import { ensureKnowledgeBase } from '../../knowledge/store';
import { coverageMatches, judge, readCases } from './judge';

async function main(files: string[]) {
  const db = await openDatabase(':memory:');
  const engine = new AnswerEngine({ plan: await ensureKnowledgeBase(db) });
  for (const file of files) {
    const cases = readCases(file);
    let ok = 0;
    const byKind = new Map<string, [number, number]>();
    const coverage = { labelled: 0, right: 0, fullForLess: 0 };
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
      if (c.coverage === undefined) continue;
      coverage.labelled++;
      if (coverageMatches(c, a)) coverage.right++;
      else
        console.log(
          `COVERAGE ${c.id} labelled ${c.coverage}, got ${a.coverage ?? 'none'}: ${c.q}\n     -> ${a.intent}/${a.status} ${JSON.stringify(a.taskIds)}`,
        );
      if (a.coverage === 'full' && c.coverage !== 'full') coverage.fullForLess++;
    }
    console.log([...byKind].map(([k, [o, n]]) => `${k} ${o}/${n}`).join(', '));
    console.log(`${file}: ${((100 * ok) / cases.length).toFixed(1)}% (${ok}/${cases.length})`);
    if (coverage.labelled) {
      const share = ((100 * coverage.right) / coverage.labelled).toFixed(1);
      console.log(
        `${file} coverage: ${share}% as labelled (${coverage.right}/${coverage.labelled}); full for a question the plan does not answer: ${coverage.fullForLess}`,
      );
    }
  }
  await db.close();
}

void main(process.argv.slice(2));
