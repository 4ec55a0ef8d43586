import { z } from 'zod';
import { say } from '../catalogue';
import { type ItemView, type Lang, type Vote, unitName } from '../knowledge';
import { MAX_REPLY_CHARS } from '../scheduler';

/** Adaptive Card 1.4: rendered by the Emulator, Web Chat and Teams alike. */
export const CARD_VERSION = '1.4';

const LABELS = {
  zh: {
    lead: '牵头单位',
    coUnits: '配合单位',
    deadlines: '时间要求',
    source: '出处',
    askLead: '可咨询',
    none: '无',
    noDeadline: '未规定具体期限',
    due: (d: string) => `${d}前`,
    recurring: (k: string) => k,
  },
  en: {
    lead: 'Lead',
    coUnits: 'Co-responsible',
    deadlines: 'Deadlines',
    source: 'Source',
    askLead: 'Ask',
    none: 'None',
    noDeadline: 'No specific deadline',
    due: (d: string) => `due ${d}`,
    recurring: (k: string) => `recurring (${k})`,
  },
} as const;

/**
 * An item as a card: what it is, the plan's sentences the answer quotes, who leads it (with
 * today's name), who works with it, its deadlines and where the plan says so, and buttons for the
 * questions people ask next. `notCovered`, for a partial answer: the sentence that says what the plan does not say.
 */
export function itemCard(
  item: ItemView,
  lang: Lang,
  nextQuestions: string[],
  quotes: readonly string[] = [],
  notCovered?: string,
  answerId?: string,
): Record<string, unknown> {
  const l = LABELS[lang];
  // A partial answer's card says first what the plan does not say, and whom to ask (the lead, today's name).
  const gap = notCovered ? [{ type: 'TextBlock', text: notCovered, color: 'Warning', weight: 'Bolder', wrap: true }] : [];
  const askLead = notCovered && item.lead ? [{ title: l.askLead, value: unitName(item.lead, lang) }] : [];
  const deadlines = [...item.deadlines.map((d) => l.due(d.due)), ...item.recurring.map((r) => l.recurring(r.keyword))];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body: [
      { type: 'TextBlock', text: `${item.id} ${lang === 'en' ? item.titleEn : item.title}`, weight: 'Bolder', size: 'Medium', wrap: true },
      // An English reader still sees the Chinese title, which is what the plan and the officials use.
      {
        type: 'TextBlock',
        text: lang === 'en' ? `${item.title} · ${item.actionTitleEn}` : item.actionTitle,
        isSubtle: true,
        spacing: 'None',
        wrap: true,
      },
      ...gap,
      ...quotes.map((quote) => ({ type: 'TextBlock', text: `「${quote}」`, wrap: true })),
      {
        type: 'FactSet',
        facts: [
          { title: l.lead, value: item.lead ? unitName(item.lead, lang) : l.none },
          { title: l.coUnits, value: item.coUnits.map((u) => unitName(u, lang)).join(lang === 'en' ? '; ' : '、') || l.none },
          { title: l.deadlines, value: deadlines.join(lang === 'en' ? '; ' : '；') || l.noDeadline },
          { title: l.source, value: lang === 'en' ? item.citationEn : item.citation },
          ...askLead,
        ],
      },
    ],
    actions: [...nextQuestions.map(questionButton), ...(answerId ? feedbackButtons(answerId, lang) : [])],
  };
}

/**
 * 有用 / 没用 on a card: the click posts the vote with the answer's id as the activity's value,
 * so it counts for this answer even after later questions.
 */
function feedbackButtons(answerId: string, lang: Lang) {
  return (['helpful', 'unhelpful'] as const).map((vote) => ({
    type: 'Action.Submit',
    title: say(lang, `feedback.${vote}`),
    data: { feedback: vote, answerId },
  }));
}

const clickedVote = z.object({ feedback: z.enum(['helpful', 'unhelpful']), answerId: z.string().min(1).max(64) });

/** The vote a card's feedback button sent as its value, if the activity is such a click. */
export function submittedVote(value: unknown): { vote: Vote; answerId: string } | undefined {
  const parsed = clickedVote.safeParse(value);
  return parsed.success ? { vote: parsed.data.feedback, answerId: parsed.data.answerId } : undefined;
}

/**
 * The form sent with a hand-off to the unit: the liaison writes the answer in the card and sends
 * it, instead of typing `答复 Q-… <text>` (which the message's text still explains, for channels
 * without cards). The click posts the reference and the text as the activity's value.
 */
export function handoffReplyCard(ref: string, lang: Lang): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body: [
      { type: 'TextBlock', text: say(lang, 'handoff.formTitle', { ref }), weight: 'Bolder', wrap: true },
      {
        type: 'Input.Text',
        id: 'replyText',
        isMultiline: true,
        maxLength: MAX_REPLY_CHARS,
        placeholder: say(lang, 'handoff.formPlaceholder', { max: MAX_REPLY_CHARS }),
      },
    ],
    actions: [{ type: 'Action.Submit', title: say(lang, 'handoff.formSend'), data: { handoffReply: ref, lang } }],
  };
}

// The text is checked by the reply command (empty, too long), which says what is wrong; here only its shape.
const submittedReply = z.object({
  handoffReply: z.string().regex(/^Q-\d{4}-\d{4,6}$/),
  lang: z.enum(['zh', 'en']),
  replyText: z.string().optional(),
});

/** The reference, text and language of a hand-off's reply form, if the activity is its click. */
export function submittedHandoffReply(value: unknown): { ref: string; text: string; lang: Lang } | undefined {
  const parsed = submittedReply.safeParse(value);
  return parsed.success ? { ref: parsed.data.handoffReply, text: parsed.data.replyText ?? '', lang: parsed.data.lang } : undefined;
}

/**
 * A button that asks a question. Teams turns the msteams part into a plain message (imBack);
 * Web Chat and the Emulator post `data` as the activity's value instead, read by submittedQuestion.
 */
function questionButton(question: string) {
  return { type: 'Action.Submit', title: question, data: { question, msteams: { type: 'imBack', value: question } } };
}

const submitted = z.object({ question: z.string().min(1) });

/** The question a card button sent as its value, if the activity is such a click. */
export function submittedQuestion(value: unknown): string | undefined {
  const parsed = submitted.safeParse(value);
  return parsed.success ? parsed.data.question : undefined;
}
