import path from 'node:path';
import { FaqError, type Knowledge, faqCsv, openKnowledge, parseFaqCsv } from '../../knowledge';
import type { Answer } from '../../knowledge/engine';
import { EVAL_DIR, questionSets } from '../eval/golden';
import { readCases } from '../eval/judge';
import { scratchDatabase } from '../support/backends';
import { PUBLISHED } from './faqEntries';

let kb: Knowledge;
const units = new Set(['省财政厅', '省科技厅', '省商务厅']);
const isUnit = (name: string) => units.has(name);

beforeEach(async () => {
  kb = await openKnowledge({ dbPath: await scratchDatabase() });
});
afterEach(() => kb.db.close());

const { id: _id, handoffRef: _ref, ...refund } = PUBLISHED[0];

/** What parseFaqCsv refused, each problem with its line; fails when it accepted the file. */
function refused(csv: string): string[] {
  try {
    parseFaqCsv(csv, isUnit);
  } catch (err) {
    expect(err).toBeInstanceOf(FaqError);
    return (err as FaqError).problems;
  }
  throw new Error('the CSV was accepted');
}

describe('the FAQ store', () => {
  test('starts empty, and adds, edits, lists and removes entries, each change a new revision', async () => {
    const { faq } = kb;
    expect(await faq.list()).toEqual([]);
    expect(await faq.revision()).toBeNull();

    const first = await faq.add(refund);
    expect(first).toEqual({ ...refund, id: 'F-0001', handoffRef: null });
    const second = await faq.add({ ...PUBLISHED[2], handoffRef: 'Q-2026-0043' });
    expect(second.id).toBe('F-0002');
    expect(await faq.list()).toEqual([first, second]);
    const afterAdd = await faq.revision();
    expect(afterAdd).not.toBeNull();

    const edited = await faq.edit('F-0001', { answer: '  出口退税在电子税务局申报。 ', questions: ['出口退税怎么办理', ' '] });
    expect(edited).toEqual({ ...first, answer: '出口退税在电子税务局申报。', questions: ['出口退税怎么办理'] });
    expect(await faq.get('F-0001')).toEqual(edited);
    const afterEdit = await faq.revision();
    expect(afterEdit).not.toBe(afterAdd);

    expect(await faq.remove('F-0002')).toEqual(second);
    expect(await faq.list()).toEqual([edited]);
    expect(await faq.get('F-0002')).toBeNull();
    expect(await faq.revision()).not.toBe(afterEdit);

    // The next id follows the highest stored one.
    expect((await faq.add(refund)).id).toBe('F-0002');
  });

  test('refuses an entry it cannot store, and an id it does not have, changing nothing', async () => {
    const { faq } = kb;
    await faq.add(refund);
    const before = { entries: await faq.list(), revision: await faq.revision() };
    await expect(faq.add({ ...refund, unit: '省外星人厅', answer: ' ' })).rejects.toThrow(FaqError);
    await expect(faq.edit('F-0001', { answer: '' })).rejects.toThrow('the answer is empty');
    await expect(faq.edit('F-0099', { answer: '好' })).rejects.toThrow('no FAQ entry F-0099');
    await expect(faq.remove('F-0099')).rejects.toThrow('no FAQ entry F-0099');
    expect({ entries: await faq.list(), revision: await faq.revision() }).toEqual(before);
  });

  test('an export imported again gives the same entries', async () => {
    const { faq } = kb;
    // Answers with what CSV must quote: commas, quotes, a line break.
    await faq.add(refund);
    await faq.add({ ...PUBLISHED[1], answer: '需提交：申请书，"知识产权"证明\n和审计报告。' });
    await faq.add(PUBLISHED[4]);
    // Cells a spreadsheet would run as formulas are written with a leading ' and read back as they were.
    await faq.add({
      ...PUBLISHED[2],
      handoffRef: null,
      questions: ['=HYPERLINK("http://x","签证")', '@签证'],
      answer: '-先办工作许可，+再申请签证。',
    });
    const entries = await faq.list();
    const csv = faqCsv(entries);
    expect(csv.split('\n')[0]).toBe('id,lang,questions,answer,unit,source_date');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""签证"")|@签证",'-先办工作许可，+再申请签证。`);

    const rows = parseFaqCsv(csv, isUnit);
    expect(rows.map(({ line: _line, ...r }) => r)).toEqual(entries.map(({ handoffRef: _h, ...e }) => ({ ...e })));
    expect(await faq.importEntries(rows)).toEqual({ added: 0, replaced: 4 });
    expect(await faq.list()).toEqual(entries);

    // Into an empty knowledge base, the same entries with the same ids.
    const other = await openKnowledge({ dbPath: await scratchDatabase() });
    try {
      expect(await other.faq.importEntries(parseFaqCsv(csv, isUnit))).toEqual({ added: 4, replaced: 0 });
      expect(await other.faq.list()).toEqual(entries);
      expect(faqCsv(await other.faq.list())).toBe(csv);
    } finally {
      await other.db.close();
    }
  });

  test('a malformed CSV is refused with the line of each problem, and nothing changes', async () => {
    const { faq } = kb;
    await faq.add(refund);
    const before = { entries: await faq.list(), revision: await faq.revision() };
    const header = 'id,lang,questions,answer,unit,source_date';
    const good = ',zh,高企认定要什么材料,提交认定申请书。,省科技厅,2026-11-20';

    expect(refused(`id,lang,question,answer,unit,date\n${good}\n`)).toEqual([
      'line 1: the header must be id,lang,questions,answer,unit,source_date, not id,lang,question,answer,unit,date',
    ]);
    expect(refused(`${header}\n${good}\n,zh,问题,答复,省外星人厅,2026-11-20\n`)).toEqual([
      'line 3: “省外星人厅” is not a unit the plan names (give it as the plan does: 省商务厅)',
    ]);
    expect(refused(`${header}\n${good}\n${good}\n,zh,问题,答复,省科技厅,2026-02-30\n`)).toEqual([
      'line 4: source_date must be a date YYYY-MM-DD, not “2026-02-30”',
    ]);
    // A quoted answer spanning lines counts its lines: the empty answer is on line 4.
    expect(refused(`${header}\n,zh,问题,"第一行\n第二行",省科技厅,2026-11-20\n,zh,问题,"",省科技厅,2026-11-20\n`)).toEqual([
      'line 4: the answer is empty',
    ]);
    expect(refused(`${header}\n,zh,问题,,省外星人厅,11/20/2026\n`)).toEqual([
      'line 2: the answer is empty',
      'line 2: “省外星人厅” is not a unit the plan names (give it as the plan does: 省商务厅)',
      'line 2: source_date must be a date YYYY-MM-DD, not “11/20/2026”',
    ]);

    // Rows checked elsewhere are checked again when stored: all or none.
    const rows = parseFaqCsv(`${header}\n${good}\n`, isUnit);
    await expect(faq.importEntries([...rows, { ...rows[0], unit: '省外星人厅', line: 3 }])).rejects.toThrow(
      'line 3: “省外星人厅” is not a unit',
    );
    expect({ entries: await faq.list(), revision: await faq.revision() }).toEqual(before);
  });
});

describe('the engine with published FAQ entries', () => {
  const [refundEntry] = PUBLISHED;

  test('an entry answers its variants, a paraphrase and traditional characters, cited as its unit’s reply', () => {
    kb.engine.setFaq(PUBLISHED);
    for (const question of ['出口退税要准备哪些单证', '办理出口退税需要准备哪些单证？', '出口退稅怎麼辦理']) {
      const a = kb.engine.answer(question);
      expect({ question, status: a.status, faqIds: a.faqIds, departments: a.departments }).toEqual({
        question,
        status: 'answered',
        faqIds: ['F-0001'],
        departments: ['省财政厅'],
      });
      expect(a.answer).toBe(`${refundEntry.answer}\n来源：省财政厅答复（2026-12-05）`);
    }
    const visa = kb.engine.answer('外國員工來開發區工作要辦什麼簽證');
    expect(visa.faqIds).toEqual(['F-0003']);
    expect(visa.answer).toMatch(/\n来源：省商务厅答复（\d{4}-\d{2}-\d{2}）$/);
  });

  test('an unrelated question does not get an entry, nor does a question before the entries are set', () => {
    expect(kb.engine.answer('出口退税怎么办理').faqIds).toEqual([]);
    kb.engine.setFaq(PUBLISHED);
    const weather = kb.engine.answer('今天天气怎么样');
    expect(weather.faqIds).toEqual([]);
    expect(weather.status).toBe('out_of_scope');
    expect(weather.answer).not.toContain('来源：');
  });

  test('the plan wins: answers and clarifications of every question set are unchanged by the entries', () => {
    const questions = questionSets().flatMap((set) => readCases(path.join(EVAL_DIR, set)).map((c) => c.q));
    expect(questions.length).toBeGreaterThan(1000);
    const seen = (a: Answer) => ({ status: a.status, taskIds: a.taskIds, answer: a.answer });
    const without = questions.map((q) => kb.engine.answer(q));
    kb.engine.setFaq(PUBLISHED);
    const withFaq = questions.map((q) => kb.engine.answer(q));

    const moved: string[] = [];
    withFaq.forEach((a, i) => {
      if (a.faqIds.length) {
        moved.push(questions[i]);
        // Only where the plan declined.
        expect(['unknown', 'out_of_scope']).toContain(without[i].status);
      } else if (a.status === 'answered' || a.status === 'clarify') {
        expect({ question: questions[i], ...seen(a) }).toEqual({ question: questions[i], ...seen(without[i]) });
      }
    });
    // Every plan answer and clarification is kept: none of them moved to an entry.
    withFaq.forEach((a, i) => {
      if (without[i].status === 'answered' || without[i].status === 'clarify') expect(a.faqIds).toEqual([]);
    });
    expect(moved).toEqual([
      '国家高新技术企业认定需要什么条件',
      '出口退税一般多少天能到账？要准备哪些单证？',
      'How long does it take to receive an export VAT rebate?',
      'How do I apply for a Z visa for our German engineers?',
    ]);
  });
});
