import { chineseNumeral, normalizeSpaces, sentences } from './text';
import type { Deadline, Goal, Item, ItemSection, Overall, Plan, PlanDocument, Recurring, Section } from './types';
import { PlanError } from './types';

/**
 * Parses a plan's published text into structured records.
 *
 * Nothing about one particular plan is known here: sections, actions, items and
 * units all come from the text's own markers (一、 （一） 1. 责任单位：). The text is
 * taken as published, page-break cuts and stray spaces included.
 */
export function parsePlan(raw: string): Plan {
  refuseNonText(raw);
  const paragraphs = joinPageBreaks(toParagraphs(raw));
  const firstSection = paragraphs.findIndex((p) => SECTION.test(p.text));
  if (firstSection < 0) throw new PlanError('no numbered sections (一、二、…) were found: this is not a plan');
  const document = parseFrontMatter(paragraphs.slice(0, firstSection));
  const body = parseBody(paragraphs.slice(firstSection), document);
  const items = body.items;
  if (!body.sawTasks) throw new PlanError('no 主要任务 section (a heading such as “二、主要任务”) was found');
  if (!items.some((i) => i.section === 'tasks')) throw new PlanError('the 主要任务 section has no numbered items');
  if (!items.some((i) => i.units.length > 0)) throw new PlanError('no item names its 责任单位 (responsible units)');
  if (!document.title) throw new PlanError('the plan has no title before its first section');
  return {
    document,
    overall: body.overall,
    sections: body.sections,
    actions: body.actions,
    items,
    deadlines: findDeadlines(body.overall, items),
    recurring: findRecurring(body.overall, items),
  };
}

interface Paragraph {
  text: string;
  line: number;
}

const SECTION = /^([一二三四五六七八九十]+)、(.+)$/;
const ACTION = /^[（(]([一二三四五六七八九十]+)[）)](.+)$/;
const ITEM = /^(\d{1,2})[.．、](.+)$/;
const COPY_TO = /^抄送[:：]/;
const DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})日(印发)?$/;

function refuseNonText(raw: string): void {
  if (raw.trim() === '') throw new PlanError('the source is empty');
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  const bad = (raw.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g) ?? []).length;
  if (bad > 0) throw new PlanError('the source is not text (it contains binary data)');
  if (/^\s*<(!doctype|html|head|body)\b/i.test(raw) || (raw.match(/<\/?[a-z][^>]*>/gi) ?? []).length > 5) {
    throw new PlanError('the source is an HTML page, not the plan’s plain text');
  }
}

function toParagraphs(raw: string): Paragraph[] {
  return raw
    .replace(/^\ufeff/, '')
    .split(/\r\n|\r|\n/)
    .map((line, i) => ({ text: normalizeSpaces(line), line: i + 1 }))
    .filter((p) => p.text !== '');
}

function isStructural(text: string): boolean {
  return SECTION.test(text) || ACTION.test(text) || ITEM.test(text) || COPY_TO.test(text) || DATE.test(text);
}

/** A paragraph ends a sentence, a closed responsibility list, or a heading/salutation line. */
function isComplete(text: string): boolean {
  return /[。！？；：:!?;]$/.test(text) || /[。！？][）)”」]$/.test(text) || /责任单位[^（(）)]*[）)]$/.test(text);
}

/**
 * Page breaks cut paragraphs anywhere: mid-word (省商务 / 厅), mid-sentence, right after a
 * short first line. A paragraph that does not end a sentence, followed by one that starts no
 * new structure, is the same paragraph. Only the body (from the first heading on) is joined:
 * the front matter is made of short lines that never end in punctuation.
 */
function joinPageBreaks(paragraphs: Paragraph[]): Paragraph[] {
  const firstSection = paragraphs.findIndex((p) => SECTION.test(p.text));
  const out: Paragraph[] = [];
  paragraphs.forEach((p, i) => {
    const prev = out[out.length - 1];
    const inBody = firstSection >= 0 && i > firstSection;
    if (prev && inBody && !isStructural(p.text) && !isComplete(prev.text) && !SECTION.test(prev.text)) {
      out[out.length - 1] = { text: prev.text + p.text, line: prev.line };
    } else {
      out.push({ ...p });
    }
  });
  return out;
}

function isoDate(m: RegExpExecArray): string {
  return `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
}

function parseFrontMatter(paragraphs: Paragraph[]): PlanDocument {
  const doc: PlanDocument = {
    title: '',
    docNumber: null,
    issuer: null,
    noticeTitle: null,
    addressees: [],
    noticeText: null,
    signedDate: null,
    printedDate: null,
    publication: null,
    copyTo: [],
    preamble: null,
    basis: null,
    leadRule: null,
  };
  const texts = paragraphs.map((p) => p.text);
  let afterNotice = 0;
  texts.forEach((text, i) => {
    const date = DATE.exec(text);
    const publication = /^[（(](此件.+)[）)]$/.exec(text);
    if (!doc.docNumber && /〔\d{4}〕\d+号$/.test(text) && text.length < 30) doc.docNumber = text;
    else if (!doc.noticeTitle && /关于印发/.test(text)) doc.noticeTitle = text;
    else if (!doc.addressees.length && /[：:]$/.test(text)) {
      doc.addressees = text
        .slice(0, -1)
        .split(/[，,]/)
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (date && !doc.signedDate) {
      doc.signedDate = isoDate(date);
      afterNotice = i + 1;
    } else if (publication) {
      doc.publication = publication[1];
      afterNotice = i + 1;
    } else if (doc.addressees.length && !doc.signedDate && !doc.noticeText) doc.noticeText = text;
  });
  // The issuer heads the notice and signs it: the first short line without punctuation.
  doc.issuer = texts.find((t) => t.length <= 30 && !/[，。：、〔（(]/.test(t) && !DATE.test(t)) ?? null;
  const quoted = /《(.+?)》/.exec(doc.noticeText ?? doc.noticeTitle ?? '');
  const rest = texts.slice(afterNotice).filter((t) => t !== doc.issuer);
  const titleIndex = rest.findIndex((t) => !/[。，]/.test(t));
  doc.title = titleIndex >= 0 ? rest[titleIndex] : (quoted?.[1] ?? '');
  const preamble = rest.slice(titleIndex + 1);
  doc.preamble = preamble.length ? preamble.join('\n') : null;
  doc.basis = /根据(《[^》]+》(?:[（(][^）)]+[）)])?)/.exec(doc.preamble ?? '')?.[1] ?? null;
  return doc;
}

interface Body {
  sawTasks: boolean;
  overall: Overall | null;
  sections: Section[];
  actions: Plan['actions'];
  items: Item[];
}

type SectionKind = Section['kind'];

function sectionKind(title: string): SectionKind {
  if (/总体要求|指导思想/.test(title)) return 'overall';
  if (/主要任务|重点任务/.test(title)) return 'tasks';
  if (/组织实施|保障措施/.test(title)) return 'organization';
  return 'other';
}

function parseBody(paragraphs: Paragraph[], doc: PlanDocument): Body {
  const body: Body = { sawTasks: false, overall: null, sections: [], actions: [], items: [] };
  let kind: SectionKind = 'other';
  let sectionNo = 0;
  let sawOrganization = false;
  let action: { no: number; title: string } | null = null;
  let item: { no: number; line: number; parts: string[] } | null = null;
  let overallHeading: string | null = null;
  const overallParts: string[] = [];
  let inBackMatter = false;

  const closeItem = () => {
    if (!item) return;
    body.items.push(buildItem(item.parts.join('\n'), item.no, item.line, kind as ItemSection, action, doc));
    item = null;
  };

  for (const p of paragraphs) {
    const section = SECTION.exec(p.text);
    const actionHead = ACTION.exec(p.text);
    const itemHead = ITEM.exec(p.text);
    if (COPY_TO.test(p.text)) {
      closeItem();
      inBackMatter = true;
      doc.copyTo = splitList(p.text.replace(COPY_TO, ''));
      continue;
    }
    const date = DATE.exec(p.text);
    if (inBackMatter || date || p.text === doc.issuer) {
      closeItem();
      if (date?.[4]) doc.printedDate = isoDate(date);
      else if (inBackMatter && !date && p.text !== doc.issuer) doc.copyTo.push(...splitList(p.text));
      inBackMatter = true;
      continue;
    }
    if (section) {
      closeItem();
      const no = chineseNumeral(section[1]);
      if (no !== sectionNo + 1)
        throw new PlanError(`section “${section[1]}、” is out of order (expected section ${sectionNo + 1})`, p.line);
      sectionNo = no;
      kind = sectionKind(section[2]);
      if (kind === 'tasks') body.sawTasks = true;
      if (kind === 'organization') {
        if (sawOrganization) kind = 'other'; // only the first 组织实施 section gives O. ids
        sawOrganization = true;
      }
      body.sections.push({ no, title: section[2], kind });
      action = null;
      if (kind === 'overall') overallHeading ??= section[2];
      continue;
    }
    if (kind === 'tasks' && actionHead) {
      closeItem();
      const no = chineseNumeral(actionHead[1]);
      const expected: number = body.actions.length + 1;
      if (no === null || no !== expected)
        throw new PlanError(`action “（${actionHead[1]}）” is out of order (expected （${expected}）)`, p.line);
      const next = { no, title: actionHead[2].replace(/[。.]$/, '') };
      body.actions.push(next);
      action = next;
      continue;
    }
    if ((kind === 'tasks' || kind === 'organization') && itemHead) {
      closeItem();
      if (kind === 'tasks' && !action) throw new PlanError('a numbered item stands before any action heading such as （一）', p.line);
      const no = Number(itemHead[1]);
      const expected = body.items.filter((i) => i.section === kind && i.actionNo === (kind === 'tasks' ? action!.no : null)).length + 1;
      if (no !== expected) throw new PlanError(`item ${no} is out of order (expected item ${expected})`, p.line);
      item = { no, line: p.line, parts: [itemHead[2]] };
      continue;
    }
    if (item) item.parts.push(p.text);
    else if (kind === 'overall') overallParts.push(p.text);
  }
  closeItem();
  if (overallHeading !== null) body.overall = buildOverall(overallHeading, overallParts);
  return body;
}

function splitList(text: string): string[] {
  return text
    .split(/[，,、。；;]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const RESPONSIBILITY = /[（(]\s*责任单位\s*[:：]/;

function buildItem(
  full: string,
  no: number,
  line: number,
  section: ItemSection,
  action: { no: number; title: string } | null,
  doc: PlanDocument,
): Item {
  const open = full.search(RESPONSIBILITY);
  let text = full;
  let units: string[] = [];
  if (open >= 0) {
    const close = full.slice(open).search(/[）)]\s*$/);
    if (close < 0) throw new PlanError('the 责任单位 list is not closed with “）”', line);
    text = full.slice(0, open).trim();
    units = parseUnits(full.slice(open, open + close).replace(RESPONSIBILITY, ''), line, doc);
  }
  const title = (/^(.+?)[。.]/.exec(text)?.[1] ?? text).trim();
  if (!title) throw new PlanError(`item ${no} has no title`, line);
  const id = section === 'tasks' ? `${action!.no}.${no}` : `O.${no}`;
  return {
    id,
    section,
    actionNo: section === 'tasks' ? action!.no : null,
    actionTitle: section === 'tasks' ? action!.title : '',
    no,
    title,
    text,
    units,
    lead: units[0] ?? null,
    coUnits: units.slice(1),
    line,
  };
}

/** 省编办、省发展改革委。排在首位的部门为牵头部门，下同。 → the units; the rule sentence is recorded, not listed. */
function parseUnits(list: string, line: number, doc: PlanDocument): string[] {
  const units: string[] = [];
  for (const sentence of list
    .split('。')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (/牵头|下同/.test(sentence)) {
      doc.leadRule ??= sentence.replace(/[，,]?下同$/, '');
      continue;
    }
    for (const unit of sentence
      .split(/[、，,；;]/)
      .map((s) => s.trim().replace(/等$/, ''))
      .filter(Boolean)) {
      if (unit.length > 40 || /[：:]/.test(unit)) throw new PlanError(`“${unit}” in a 责任单位 list is not a unit name`, line);
      if (!units.includes(unit)) units.push(unit);
    }
  }
  if (units.length === 0) throw new PlanError('a 责任单位 list names no unit', line);
  return units;
}

const FIGURE = /(\d+(?:\.\d+)?)\s*(年|家|个|项|%|亿元|万元)/g;
const NAMED_COUNT = /“([一二两三四五六七八九十])大([\u4e00-\u9fff]{1,4})”/g;

function buildOverall(heading: string, parts: string[]): Overall {
  const text = parts.join('\n');
  const goals: Goal[] = [];
  for (const sentence of sentences(text)) {
    const figures = [...sentence.matchAll(FIGURE)].map((m) => ({ value: Number(m[1]), unit: m[2] }));
    figures.push(...[...sentence.matchAll(NAMED_COUNT)].map((m) => ({ value: chineseNumeral(m[1]) ?? 0, unit: m[2] })));
    if (figures.length) goals.push({ text: sentence, figures });
  }
  return { heading, text, goals };
}

function textsWithItems(overall: Overall | null, items: Item[]): Array<{ itemId: string | null; text: string }> {
  return [...(overall ? [{ itemId: null, text: overall.text }] : []), ...items.map((i) => ({ itemId: i.id, text: i.text }))];
}

const DEADLINE = /到\s*(\d{4})\s*年|(\d{4})\s*年\s*(?:底|年底|末|前)/;

function findDeadlines(overall: Overall | null, items: Item[]): Deadline[] {
  return textsWithItems(overall, items).flatMap(({ itemId, text }) =>
    sentences(text).flatMap((sentence) => {
      const m = DEADLINE.exec(sentence);
      if (!m) return [];
      const year = Number(m[1] ?? m[2]);
      return [{ itemId, year, due: `${year}-12-31`, sentence }];
    }),
  );
}

const RECURRING = /每年|每季度|每半年|每月|逐年|定期|常态化/;

function findRecurring(overall: Overall | null, items: Item[]): Recurring[] {
  return textsWithItems(overall, items).flatMap(({ itemId, text }) =>
    sentences(text).flatMap((sentence) => {
      const m = RECURRING.exec(sentence);
      return m ? [{ itemId, keyword: m[0], sentence }] : [];
    }),
  );
}
