import type { ItemSection, Plan } from '../plan/types';
import { chineseNumeral } from '../plan/text';
import { foldForMatch } from './normalize';

/** Where a question points inside the plan without naming a topic: an item, an action, or the nth of a list just shown. */
export interface References {
  itemIds: string[];
  actionNo: number | null;
  ordinal: number | null;
  /** A part of the plan named by its heading (组织实施): answers come from its items. */
  section: ItemSection | null;
  /** Spans of the text that were references, so that they are not read again as topic words. */
  spans: Array<{ start: number; end: number }>;
}

const NUM = '([一二三四五六七八九十]+|\\d{1,2})';
const PATTERNS: Array<{ re: RegExp; kind: 'item' | 'organization' | 'action' | 'ordinal' }> = [
  // 4.3, item 4.3, 任务4.3
  { re: /(?<![\d.])([1-9])\s*[.．]\s*([1-9])(?![\d.%])/g, kind: 'item' },
  // （四）3, (四)3, 二（四）3, 第（一）项第4条
  {
    re: new RegExp(`[（(]\\s*${NUM}\\s*[)）]\\s*(?:项|部分)?\\s*(?:的|中的)?\\s*第?${NUM}(?:条|项|点)?(?![\\d年家个亿万])`, 'g'),
    kind: 'item',
  },
  // 五-2, 5-2
  { re: /(?<![\d.])([一二三四五六七八九十]+|[1-9])\s*[-－—–]\s*([1-9])(?![\d.])/g, kind: 'item' },
  // 五（2）, 5(2), （五）（2）, 四之四
  { re: new RegExp(`(?<![\\d.])[（(]?\\s*([一二三四五六七八九十]+|[1-9])\\s*[)）]?\\s*[（(]\\s*${NUM}\\s*[)）]`, 'g'), kind: 'item' },
  { re: new RegExp(`(?<![\\d.分])([一二三四五六七八九十]+|[1-9])之${NUM}`, 'g'), kind: 'item' },
  // 第四项行动第3条, 第四大行动的第二项, action 4 item 3
  { re: new RegExp(`第${NUM}(?:项|个|大)?行动\\s*(?:的|中的|里的)?\\s*第${NUM}(?:条|项|点|个)?`, 'g'), kind: 'item' },
  { re: /action\s*(\d)\D{0,12}?(?:item|task|point)\s*(\d)/g, kind: 'item' },
  // O.2, 组织实施第2条
  { re: /(?<![a-z])o\s*[.．]\s*([1-9])(?!\d)/g, kind: 'organization' },
  { re: new RegExp(`组织实施(?:部分)?(?:的|中的)?第${NUM}(?:条|项|点)?`, 'g'), kind: 'organization' },
  // 第四项行动, （四）, action 4
  { re: new RegExp(`第${NUM}(?:项|个|大)?行动|[（(]\\s*([一二三四五六七八九十]+)\\s*[)）]`, 'g'), kind: 'action' },
  { re: /\baction\s*(\d)\b/g, kind: 'action' },
  // 第二个, the second one
  { re: new RegExp(`第${NUM}(?:个|条|项)`, 'g'), kind: 'ordinal' },
  {
    re: /\b(first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th)\s+(?:one|item|task|option)\b|\b(?:the|about)\s+(first|second|third|fourth|fifth|sixth)\s*(?:[.?!]|$)|\b(?:number|no\.?|#)\s*(\d)\b/g,
    kind: 'ordinal',
  },
];

const ENGLISH_ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];

function number(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  const english = ENGLISH_ORDINALS.indexOf(text);
  if (english >= 0) return english + 1;
  const suffixed = /^(\d)(?:st|nd|rd|th)$/.exec(text);
  return suffixed ? Number(suffixed[1]) : chineseNumeral(text);
}

/** Finds references in folded question text; the plan's names are folded once, here. */
export class ReferenceFinder {
  private readonly ids: Set<string>;
  private readonly actionNos: Set<number>;
  private readonly actionTitles: Array<{ no: number; title: string }>;
  private readonly itemTitles: Array<{ id: string; title: string }>;
  private readonly sections: Array<{ kind: ItemSection; title: string }>;

  constructor(plan: Plan) {
    this.ids = new Set(plan.items.map((i) => i.id));
    this.actionNos = new Set(plan.actions.map((a) => a.no));
    // An action named by its title: 开放引领行动 (with or without 行动).
    this.actionTitles = plan.actions
      .map((a) => ({ no: a.no, title: foldForMatch(a.title).replace(/行动$/, '') }))
      .filter((a) => a.title.length >= 4);
    // An item named by its title, or by its title without the leading verb (推进创新驱动发展 → 创新驱动发展).
    this.itemTitles = plan.items
      .flatMap((item) => [foldForMatch(item.title), foldForMatch(item.title).slice(2)].map((title) => ({ id: item.id, title })))
      .filter((t) => t.title.length >= 4)
      .sort((a, b) => b.title.length - a.title.length);
    this.sections = plan.sections.flatMap((x) =>
      x.kind === 'organization' || x.kind === 'tasks' ? [{ kind: x.kind, title: foldForMatch(x.title) }] : [],
    );
  }

  find(text: string): References {
    const refs: References = { itemIds: [], actionNo: null, ordinal: null, section: null, spans: [] };
    const taken = (start: number, end: number) => refs.spans.some((s) => start < s.end && end > s.start);
    for (const { re, kind } of PATTERNS) {
      for (const m of text.matchAll(re)) {
        const start = m.index;
        const end = start + m[0].length;
        if (taken(start, end)) continue;
        const [a, b] = m
          .slice(1)
          .filter((g): g is string => g !== undefined)
          .map(number);
        if (kind === 'item' && a && b && this.ids.has(`${a}.${b}`)) refs.itemIds.push(`${a}.${b}`);
        else if (kind === 'organization' && a && this.ids.has(`O.${a}`)) refs.itemIds.push(`O.${a}`);
        else if (kind === 'action' && a && this.actionNos.has(a)) refs.actionNo = a;
        else if (kind === 'ordinal' && a) refs.ordinal = a;
        else continue;
        refs.spans.push({ start, end });
      }
    }
    for (const { no, title } of this.actionTitles) {
      const at = text.indexOf(title);
      if (refs.actionNo === null && at >= 0 && !taken(at, at + title.length)) {
        refs.actionNo = no;
        refs.spans.push({ start: at, end: at + title.length + (text.startsWith('行动', at + title.length) ? 2 : 0) });
      }
    }
    for (const { id, title } of this.itemTitles) {
      const at = text.indexOf(title);
      if (at < 0 || taken(at, at + title.length) || refs.itemIds.includes(id)) continue;
      refs.itemIds.push(id);
      refs.spans.push({ start: at, end: at + title.length });
    }
    for (const { kind, title } of this.sections) {
      const at = text.indexOf(title);
      if (at >= 0 && !taken(at, at + title.length)) {
        refs.section = kind;
        refs.spans.push({ start: at, end: at + title.length });
      }
    }
    return refs;
  }
}
