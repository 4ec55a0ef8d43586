import { sentences } from '../plan/text';
import type { Deadline } from '../plan/types';
import type { Lang } from '../understand/normalize';
import { MAX_QUESTION_CHARS } from '../understand/normalize';
import type { ItemView, PlanViews, UnitView } from './views';

/** A composed reply: the text a person reads and the buttons offered with it. */
export interface Reply {
  text: string;
  /** Questions a person is likely to ask next, as buttons. */
  suggestions: string[];
}

const pick = <T>(lang: Lang, zh: T, en: T): T => (lang === 'zh' ? zh : en);
const joinZh = (list: string[]) => list.join('、');
const joinEn = (list: string[]) => list.join('; ');

export function unitName(u: UnitView, lang: Lang): string {
  if (lang === 'zh') return u.now.length ? `${u.name}（现${joinZh(u.now)}）` : u.name;
  return u.now.length ? `${u.english} (${u.name}; now ${u.nowEnglish.join(' / ')})` : `${u.english} (${u.name})`;
}

function itemName(v: ItemView, lang: Lang): string {
  return pick(lang, `${v.id}「${v.title}」`, `item ${v.id} "${v.titleEn}" (${v.title})`);
}

function source(v: ItemView, lang: Lang): string {
  return pick(lang, `出处：${v.citation}`, `Source: ${v.citationEn} (${v.citation})`);
}

function responsibility(v: ItemView, lang: Lang): string {
  if (!v.lead) return pick(lang, '（组织实施部分不列责任单位。）', '(The organization and implementation part names no responsible units.)');
  const co = v.coUnits.map((u) => unitName(u, lang));
  return pick(
    lang,
    `牵头单位：${unitName(v.lead, 'zh')}\n配合单位：${co.length ? joinZh(co) : '无'}`,
    `Lead: ${unitName(v.lead, 'en')}\nCo-responsible: ${co.length ? joinEn(co) : 'none'}`,
  );
}

/** The next questions about one item, phrased so that they work typed or clicked on any channel. */
export function itemFollowUps(v: ItemView, lang: Lang): string[] {
  return pick(
    lang,
    [`${v.id}的配合单位有哪些？`, `${v.id}有什么时间要求？`, `${v.id}原文`],
    [`Who else is responsible for ${v.id}?`, `What are the deadlines of ${v.id}?`, `Show the original text of ${v.id}`],
  );
}

/** The sentences of an item that best answer, best first; `weight` says how much each matched term counts. */
export function answeringSentences(v: ItemView, terms: Map<string, number>, weight: (t: string) => number, max = 2): string[] {
  const all = sentences(v.text);
  const scored = all.map((s, index) => {
    let score = 0;
    terms.forEach((w, term) => {
      if (/[\u3400-\u9fff]/.test(term) && s.includes(term)) score += w * weight(term);
    });
    return { s, index, score };
  });
  const best = scored.filter((x) => x.score > 0 && x.index > 0).sort((a, b) => b.score - a.score).slice(0, max);
  if (!best.length) return all.slice(1, 2).length ? all.slice(1, 2) : all.slice(0, 1);
  return best.map((x) => x.s);
}

export class Composer {
  constructor(private readonly views: PlanViews) {}

  /** Who leads; `asked` are the units the question named (是财政厅吗？), which the reply confirms or corrects. */
  lead(v: ItemView, lang: Lang, asked: string[] = []): Reply {
    if (!v.lead) return { text: this.quote(v, lang, []), suggestions: itemFollowUps(v, lang) };
    const text = pick(
      lang,
      `${this.verdict(v, lang, asked)}${itemName(v, 'zh')}由${unitName(v.lead, 'zh')}牵头。\n配合单位：${joinZh(v.coUnits.map((u) => unitName(u, 'zh'))) || '无'}\n${source(v, 'zh')}`,
      `${this.verdict(v, lang, asked)}The lead for ${itemName(v, 'en')} is the ${unitName(v.lead, 'en')}.\nCo-responsible: ${joinEn(v.coUnits.map((u) => unitName(u, 'en'))) || 'none'}\n${source(v, 'en')}`,
    );
    return { text, suggestions: itemFollowUps(v, lang) };
  }

  private verdict(v: ItemView, lang: Lang, asked: string[]): string {
    if (!asked.length || !v.lead) return '';
    if (asked.includes(v.lead.name)) return pick(lang, '是的。', 'Yes. ');
    const co = v.coUnits.filter((u) => asked.includes(u.name)).map((u) => u.name);
    if (co.length) return pick(lang, `不是，${joinZh(co)}是配合单位。`, `No, ${co.join(', ')} is co-responsible. `);
    return pick(lang, '不是。', 'No. ');
  }

  coUnits(v: ItemView, lang: Lang): Reply {
    if (!v.lead) return { text: this.quote(v, lang, []), suggestions: itemFollowUps(v, lang) };
    const co = v.coUnits.map((u) => unitName(u, lang));
    const text = pick(
      lang,
      `${itemName(v, 'zh')}的配合单位（${co.length}个）：${joinZh(co) || '无'}。\n牵头单位：${unitName(v.lead, 'zh')}\n${source(v, 'zh')}`,
      `Co-responsible for ${itemName(v, 'en')} (${co.length}): ${joinEn(co) || 'none'}.\nLead: ${unitName(v.lead, 'en')}\n${source(v, 'en')}`,
    );
    return { text, suggestions: itemFollowUps(v, lang) };
  }

  /** The sentences that answer (best first), quoted in the plan's order, with who is responsible and where it stands. */
  content(v: ItemView, lang: Lang, quoted: string[]): Reply {
    return { text: this.quote(v, lang, quoted), suggestions: itemFollowUps(v, lang) };
  }

  private quote(v: ItemView, lang: Lang, quoted: string[]): string {
    // Best first: the sentence that answers leads, even when the item says something else before it.
    const best = quoted.length ? quoted : sentences(v.text).slice(1, 2);
    return pick(
      lang,
      `${v.citation}「${v.title}」：\n${best.map((s) => `“${s}”`).join('\n')}\n${responsibility(v, 'zh')}`,
      `${itemName(v, 'en')}: ${v.summaryEn}\nFrom the text: 「${excerpt(best[0] ?? '')}」\n${responsibility(v, 'en')}\n${source(v, 'en')}`,
    );
  }

  original(v: ItemView, lang: Lang): Reply {
    const text = pick(
      lang,
      `${v.citation}「${v.title}」原文：\n${v.text}\n${responsibility(v, 'zh')}`,
      `Original text of ${itemName(v, 'en')} (Chinese):\n${v.text}\nIn English: ${v.summaryEn}\n${source(v, 'en')}`,
    );
    return { text, suggestions: itemFollowUps(v, lang).slice(0, 2) };
  }

  deadline(v: ItemView, lang: Lang): Reply {
    const lines = [
      ...v.deadlines.map((d) => pick(lang, `• 到${d.year}年（${d.due}前）：${d.sentence}`, `• By the end of ${d.year} (due ${d.due}): 「${excerpt(d.sentence)}」`)),
      ...v.recurring.map((r) => pick(lang, `• ${r.keyword}：${r.sentence}`, `• Recurring (${recurringLabel(r.keyword, 'en')}): 「${excerpt(r.sentence)}」`)),
    ];
    const text = lines.length
      ? pick(lang, `${itemName(v, 'zh')}的时间要求：\n`, `Time requirements of ${itemName(v, 'en')}:\n`) +
        lines.join('\n') +
        pick(lang, '', `\nIn English: ${v.summaryEn}`) +
        `\n${source(v, lang)}`
      : pick(
          lang,
          `${itemName(v, 'zh')}没有写明具体期限；它属于为期5年的行动计划（${this.views.plan.document.signedDate?.slice(0, 4) ?? ''}年印发）。\n${source(v, 'zh')}`,
          `${itemName(v, 'en')} sets no specific deadline; it is part of the five-year action plan issued in ${this.views.plan.document.signedDate?.slice(0, 4) ?? ''}.\n${source(v, 'en')}`,
        );
    return { text, suggestions: itemFollowUps(v, lang) };
  }

  /** Every deadline and recurring duty of the plan, by item. */
  allDeadlines(lang: Lang): Reply & { itemIds: string[] } {
    const items = [...this.views.items.values()].filter((v) => v.deadlines.length || v.recurring.length);
    const lines = items.flatMap((v) => [
      ...v.deadlines.map((d) => deadlineLine(v, d, lang)),
      ...v.recurring.map((r) => pick(lang, `• ${v.id}「${v.title}」${r.keyword}：${r.sentence}`, `• ${v.id} ${v.titleEn}: ${recurringLabel(r.keyword, 'en')} — 「${excerpt(r.sentence, 40)}」`)),
    ]);
    const yearly = this.views.plan.recurring.filter((r) => r.itemId === null).map((r) => r.sentence);
    const text = pick(
      lang,
      `《行动计划》的时间要求：\n${lines.join('\n')}${yearly.length ? `\n总体要求：${yearly.join('')}` : ''}`,
      `The plan's time requirements:\n${lines.join('\n')}\nThe plan as a whole runs for five years from ${this.views.plan.document.signedDate?.slice(0, 4) ?? ''}.`,
    );
    return { text, suggestions: items.slice(0, 2).map((v) => itemFollowUps(v, lang)[1]), itemIds: items.map((v) => v.id) };
  }

  /** What the plan says is to be reached by the end of one year, item by item. */
  deadlinesOfYear(year: number, lang: Lang): Reply & { itemIds: string[] } {
    const items = [...this.views.items.values()].filter((v) => v.deadlines.some((d) => d.year === year));
    const lines = items.flatMap((v) => v.deadlines.filter((d) => d.year === year).map((d) => deadlineLine(v, d, lang)));
    const text = pick(lang, `《行动计划》要求到${year}年：\n${lines.join('\n')}`, `What the plan sets for ${year}:\n${lines.join('\n')}`);
    return { text, suggestions: items.slice(0, 2).map((v) => itemFollowUps(v, lang)[2]), itemIds: items.map((v) => v.id) };
  }

  /** What one or more units (a successor may stand for several) lead and take part in. */
  units(names: string[], mentioned: string, lang: Lang, onlyLed: boolean): Reply & { led: string[]; shared: string[] } {
    const views = [...this.views.items.values()];
    const led = views.filter((v) => v.lead && names.includes(v.lead.name));
    const shared = views.filter((v) => !led.includes(v) && v.coUnits.some((u) => names.includes(u.name)));
    const units = names.map((n) => this.views.unit(n));
    const who = this.unitsHeading(units, mentioned, lang);
    const list = (items: ItemView[]) =>
      items.map((v, i) => pick(lang, `${i + 1}. ${v.id} ${v.title}`, `${i + 1}. ${v.id} ${v.titleEn} (${v.title})`)).join('\n');
    const parts = [
      pick(lang, `${who}在《行动计划》中牵头${led.length}项任务，配合${shared.length}项。`, `${who} leads ${led.length} item(s) of the plan and is co-responsible for ${shared.length}.`),
    ];
    if (led.length) parts.push(pick(lang, '牵头：', 'Leads:'), list(led));
    if (shared.length && !(onlyLed && led.length)) parts.push(pick(lang, '配合：', 'Co-responsible:'), list(shared));
    else if (shared.length) parts.push(pick(lang, `（另配合${shared.map((v) => v.id).join('、')}。）`, `(Also co-responsible for ${shared.map((v) => v.id).join(', ')}.)`));
    const shown = onlyLed && led.length ? led : [...led, ...shared];
    return {
      text: parts.join('\n'),
      suggestions: pick(lang, ['第一个详细说说', '第二个详细说说'], ['Tell me more about the first one', 'Tell me more about the second one']).slice(0, Math.min(2, shown.length)),
      led: led.map((v) => v.id),
      shared: shared.map((v) => v.id),
    };
  }

  private unitsHeading(units: UnitView[], mentioned: string, lang: Lang): string {
    if (units.length === 1) return unitName(units[0], lang);
    return pick(
      lang,
      `${mentioned}（对应《行动计划》中的${joinZh(units.map((u) => u.name))}）`,
      `${mentioned} (in the plan: ${units.map((u) => `${u.english} (${u.name})`).join(' and ')})`,
    );
  }

  /** The items of one action. */
  action(actionNo: number, lang: Lang): Reply {
    const action = this.views.plan.actions.find((a) => a.no === actionNo)!;
    const items = [...this.views.items.values()].filter((v) => v.id.startsWith(`${actionNo}.`));
    const en = this.views.overlay.actions[String(actionNo)];
    const lines = items.map((v) =>
      pick(lang, `${v.id} ${v.title}（牵头：${v.lead ? unitName(v.lead, 'zh') : '—'}）`, `${v.id} ${v.titleEn} (lead: ${v.lead ? unitName(v.lead, 'en') : '—'})`),
    );
    const text = pick(
      lang,
      `（${actionNo}）${action.title}共${items.length}项任务：\n${lines.join('\n')}`,
      `Action (${actionNo}) ${en.title} (${action.title}): ${en.summary}\nIts ${items.length} items:\n${lines.join('\n')}`,
    );
    return { text, suggestions: items.slice(0, 2).map((v) => pick(lang, `${v.id}谁牵头？`, `Who leads ${v.id}?`)) };
  }

  document(lang: Lang): Reply {
    const { document: d, overall, actions } = this.views.plan;
    const o = this.views.overlay;
    const goals = (overall?.goals ?? [])
      .filter((g) => g.figures.some((f) => /年|家|个|项|%/.test(f.unit)))
      .map((g) => goalClause(g.text));
    const zh = [
      `《${d.title}》`,
      `文号：${d.docNumber ?? '—'}${d.noticeTitle ? `（${d.noticeTitle}）` : ''}`,
      `印发单位：${d.issuer ?? '—'}`,
      `成文日期：${chineseDate(d.signedDate)}；印发日期：${chineseDate(d.printedDate)}${d.publication ? `；${d.publication}` : ''}`,
      d.addressees.length ? `主送：${d.addressees.join('，')}` : '',
      d.basis ? `制定依据：${d.basis}` : '',
      goals.length ? `主要目标：${goals.join('；')}` : '',
      `${actions.length}大行动：${actions.map((a) => `（${a.no}）${a.title}`).join(' ')}`,
      d.copyTo.length ? `抄送：${joinZh(d.copyTo)}` : '',
    ];
    const en = [
      `${o.document.title} (${d.title})`,
      `Document number: ${d.docNumber ?? '—'}`,
      `Issued by: ${o.document.issuer} (${d.issuer ?? '—'})`,
      `Signed ${englishDate(d.signedDate)}, printed and issued ${englishDate(d.printedDate)}${d.publication ? '; published openly' : ''}.`,
      `Main goals: ${o.overall.summary}`,
      `The ${actions.length} actions: ${actions.map((a) => `(${a.no}) ${o.actions[String(a.no)].title}`).join('; ')}`,
      o.document.summary,
    ];
    return {
      text: pick(lang, zh, en).filter(Boolean).join('\n'),
      suggestions: pick(lang, ['第一项行动有哪些任务？', '考核和退出机制是怎样的？'], ['What are the items of action 1?', 'How are the zones assessed?']),
    };
  }

  help(lang: Lang): Reply {
    const d = this.views.plan.document;
    return {
      text: pick(
        lang,
        `我是开发区政策助手，解答《${d.title}》（${d.docNumber ?? ''}）的问题：\n• 某项任务由谁牵头、谁配合，例如“谁牵头土地任务？”\n• 某个部门牵头或参与哪些任务，例如“省商务厅牵头哪些任务？”（机构改革后的新名称也可以）\n• 任务内容、时间要求和目标\n• 投资者办事：一个窗口受理、项目审批、扶持政策\n• 开发区考核、警示和退出规则\n也可以用英文提问。`,
        `I am the EDZ Assistant. I answer questions about Shandong's "${this.views.overlay.document.title}" (${d.docNumber ?? ''}):\n• who leads a task and who else is responsible, e.g. "Who leads the land-use task?"\n• which tasks a department leads or takes part in, e.g. "Which tasks does the Department of Commerce lead?"\n• what a task says, its deadlines and targets\n• investors' procedures: the one-window service, approvals, policy support\n• the yearly assessment of the zones, warnings and exits\nYou can also ask in Chinese.`,
      ),
      suggestions: pick(lang, ['谁牵头土地任务？', '省商务厅牵头哪些任务？', '项目审批能不能在一个窗口办完？'], ['Who leads the land-use task?', 'Is there a one-stop service window for investors?', 'What are the five actions?']),
    };
  }

  greeting(lang: Lang): Reply {
    const help = this.help(lang);
    return { text: pick(lang, `您好！${help.text}`, `Hello! ${help.text}`), suggestions: help.suggestions };
  }

  thanks(lang: Lang): Reply {
    return { text: pick(lang, '不客气！还有其他关于《行动计划》的问题，随时问我。', 'You are welcome! Ask me anything else about the plan.'), suggestions: [] };
  }

  outOfScope(lang: Lang, place?: string): Reply {
    const why = place
      ? pick(lang, `我只了解山东省的这份行动计划，无法回答关于${place}的政策。`, `I only know Shandong's action plan, so I cannot answer about ${place}.`)
      : pick(lang, '抱歉，这个问题不在我能回答的范围内。', 'Sorry, that is outside what I can answer.');
    const help = this.help(lang);
    return { text: `${why}\n${help.text}`, suggestions: help.suggestions };
  }

  /** A question for people or contact details: the plan names departments only. */
  noContacts(lang: Lang): Reply {
    const why = pick(
      lang,
      '《行动计划》只写明各项任务由哪些部门负责，不含负责人姓名、电话、地址、网站等信息，请以该部门官方网站公布的为准。',
      "The plan says which departments are responsible for which tasks; it names no officials and gives no phone numbers, addresses or websites. The department's official website has those.",
    );
    const help = this.help(lang);
    return { text: `${why}\n${help.text}`, suggestions: help.suggestions };
  }

  /** No item answers with enough confidence: say so rather than send anyone to the wrong department. */
  unknown(lang: Lang, reason: 'no_match' | 'no_unit' | 'empty'): Reply {
    const text = {
      no_match: pick(lang, '我没有在《行动计划》中找到能可靠回答这个问题的内容，为避免给出错误的部门，我不做猜测。请换个说法，或提到具体的任务（如“土地”“人才”“4.3”）。', "I don't know: I found nothing in the plan that answers this reliably, and I would rather not guess a department. Try naming the task (e.g. \"land\", \"talent\", \"4.3\")."),
      no_unit: pick(lang, '我不认识这个部门，它可能不是《行动计划》列出的责任单位。请用计划中的名称或现在的名称，例如“省商务厅牵头哪些任务？”“自然资源厅参与哪些任务？”。', 'I do not know that department: it may not be one of the units the plan names. Try its name in the plan or today, e.g. "Which tasks does the Department of Commerce lead?"'),
      empty: pick(lang, '请输入您的问题，例如“谁牵头土地任务？”', 'Please type a question, e.g. "Who leads the land-use task?"'),
    }[reason];
    return { text, suggestions: this.help(lang).suggestions };
  }

  clarify(options: ItemView[], lang: Lang, followUp: (v: ItemView) => string): Reply {
    const lines = options.map((v, i) => pick(lang, `${i + 1}. ${v.id} ${v.title}`, `${i + 1}. ${v.id} ${v.titleEn} (${v.title})`));
    return {
      text: pick(lang, `您是不是想问以下哪一项？我不想猜错：\n${lines.join('\n')}`, `Did you mean one of these? I would rather not guess:\n${lines.join('\n')}`),
      suggestions: options.map(followUp),
    };
  }

  truncationNote(lang: Lang): string {
    return pick(lang, `（您的问题超过${MAX_QUESTION_CHARS}字，我只读了前${MAX_QUESTION_CHARS}字。）`, `(Your question was longer than ${MAX_QUESTION_CHARS} characters; I read only the first ${MAX_QUESTION_CHARS}.)`);
  }
}

/** 2016-11-16 → 2016年11月16日 */
function chineseDate(iso: string | null): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : '—';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2016-11-16 → 16 November 2016 */
function englishDate(iso: string | null): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : '—';
}

/** How the plan's recurring words read in English. */
const RECURRING_EN: Record<string, string> = { 每年: 'every year', 逐年: 'year by year', 定期: 'regularly', 每季度: 'every quarter', 每半年: 'every half year', 每月: 'every month', 常态化: 'as a routine' };

/** A recurring duty's keyword (每年, 定期 …) in the reader's language. */
export function recurringLabel(keyword: string, lang: Lang): string {
  return lang === 'zh' ? keyword : (RECURRING_EN[keyword] ?? keyword);
}

function deadlineLine(v: ItemView, d: Deadline, lang: Lang): string {
  return pick(lang, `• ${v.id}「${v.title}」到${d.year}年：${d.sentence}`, `• ${v.id} ${v.titleEn}: by the end of ${d.year} (due ${d.due})`);
}

/** A Chinese quote inside an English answer stays short, so that the answer reads as English. */
function excerpt(sentence: string, max = 60): string {
  return sentence.length > max ? `${sentence.slice(0, max)}…` : sentence;
}

/** The clause of a goal sentence that holds its figure, and the clause after it: 通过5年的努力，全省经济开发区综合实力显著提升. */
function goalClause(sentence: string): string {
  const clauses = sentence.replace(/[。；]$/, '').split('，');
  const at = clauses.findIndex((c) => /\d/.test(c));
  return at < 0 ? sentence : clauses.slice(at, at + 2).join('，');
}
