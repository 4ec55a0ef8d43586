import fs from 'node:fs';
import type { Answer } from '../../knowledge';

/** One evaluation question, in the format of test/eval/dev.jsonl (a copy of the project's shared example set). */
export interface EvalCase {
  id: string;
  lang: 'zh' | 'en';
  kind: string;
  q: string;
  task?: string;
  tasks?: string[];
  allow?: string[];
  lead?: string;
  mention?: string[];
  /** How far the plan answers the question (specific.jsonl): none is an answer from no item. */
  coverage?: 'full' | 'partial' | 'none';
}

export function readCases(file: string): EvalCase[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalCase);
}

const CJK = /[\u3400-\u9fff]/;

function isEnglish(text: string): boolean {
  const letters = [...text].filter((c) => /\p{L}/u.test(c));
  return letters.length > 0 && letters.filter((c) => CJK.test(c)).length / letters.length < 0.4;
}

/**
 * The reasons an answer is wrong, by the rules of the shared example set's scorer (score.py), extended to the kinds
 * our own set adds (co_units, deadline, assessment judged like topic; dept sets exact).
 */
export function judge(c: EvalCase, a: Answer): string[] {
  const why: string[] = [];
  const ids = a.taskIds;
  if (!a.answer.trim()) why.push('empty answer');
  switch (c.kind) {
    case 'lead':
      if (ids[0] !== c.task) why.push(`top task ${ids[0]} != ${c.task}`);
      if (a.departments[0] !== c.lead) why.push(`lead ${a.departments[0]} != ${c.lead}`);
      break;
    case 'dept_tasks':
    case 'dept_involved': {
      const want = new Set(c.tasks ?? []);
      const allow = new Set(c.allow ?? []);
      const missing = [...want].filter((t) => !ids.includes(t));
      const extra = ids.filter((t) => !want.has(t) && !allow.has(t));
      if (missing.length) why.push(`missing ${missing.join(',')}`);
      if (extra.length) why.push(`extra ${extra.join(',')}`);
      break;
    }
    case 'topic':
    case 'procedure':
    case 'co_units':
    case 'deadline':
    case 'assessment': {
      const tasks = c.tasks ?? (c.task ? [c.task] : []);
      if (tasks.length && !tasks.includes(ids[0])) why.push(`top task ${ids[0]} not in ${tasks.join(',')}`);
      break;
    }
    case 'oos':
    case 'chitchat':
      if (ids.length) why.push(`answered with tasks ${ids.join(',')} for an out-of-scope question`);
      break;
  }
  for (const m of c.mention ?? []) if (!m.split('|').some((alt) => a.answer.includes(alt))) why.push(`answer lacks ${m}`);
  if (c.lang === 'en' && !isEnglish(a.answer)) why.push('answer not in English');
  return why;
}

/** Whether the answer's coverage is the one labelled; true for a question without a label. */
export function coverageMatches(c: EvalCase, a: Answer): boolean {
  return c.coverage === undefined || (a.coverage ?? 'none') === c.coverage;
}
