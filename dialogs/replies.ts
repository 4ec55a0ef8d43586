import { type Activity, CardFactory, Channels, MessageFactory } from 'botbuilder';
import { say } from '../catalogue';
import type { Answer, Lang } from '../knowledge';
import { itemCard } from './cards';
import { CANCELLED_TEXT, EXAMPLE_QUESTIONS, PONG_TEXT, WELCOME_TEXT } from './texts';

type Reply = Partial<Activity>;

/**
 * Channels that render Adaptive Cards 1.4, as Bot Framework documents them: there the card says it
 * all and its text is the answer's first sentence, so nothing is shown twice. Every other channel
 * gets the whole answer as text, with the card for those that can use it.
 */
const CARD_CHANNELS: ReadonlySet<string> = new Set([Channels.Msteams, Channels.Webchat, Channels.Directline, Channels.Emulator]);

/**
 * How an answer is shown. An answer about one item gets the item's card (with the sentences it
 * quotes), its next questions as the card's buttons; anything else (lists, help, "I don't know")
 * is text with its suggestions as buttons under it. When the answer was recorded (`answerId`), an
 * answer offers 有用 / 没用, and one the plan cannot give offers to pass the question on.
 */
export function answerReply(answer: Answer, channelId: string | undefined, answerId?: string): Reply {
  const [item] = answer.items;
  const { lang } = answer;
  if (answer.status === 'answered' && answer.items.length === 1) {
    // A partial answer says first what the plan does not say: the card shows it too, and so does its short text.
    const notCovered = answer.notCovered?.statement;
    const card = CardFactory.adaptiveCard(itemCard(item, lang, answer.suggestions, answer.quotes, notCovered, answerId));
    const short = notCovered ?? leadSentence(answer.answer);
    return MessageFactory.attachment(card, channelId && CARD_CHANNELS.has(channelId) ? short : answer.answer);
  }
  if (!answerId) return textWithButtons(answer.answer, answer.suggestions);
  if (isDeclined(answer)) return textWithButtons(answer.answer, [say(lang, 'handoff.offer'), ...answer.suggestions]);
  const votes = answer.status === 'answered' ? [say(lang, 'feedback.helpful'), say(lang, 'feedback.unhelpful')] : [];
  return textWithButtons(answer.answer, [...answer.suggestions, ...votes]);
}

/** The plan has no answer: what the hand-off is for. */
export function isDeclined(answer: Pick<Answer, 'status'>): boolean {
  return answer.status === 'unknown' || answer.status === 'out_of_scope';
}

/** The reply to a vote; a 没用 offers to pass the question on. */
export function voteReply(lang: Lang, outcome: 'recorded' | 'changed' | 'unchanged' | 'unknown', vote: 'helpful' | 'unhelpful'): Reply {
  const text = say(lang, outcome === 'recorded' ? `feedback.recorded.${vote}` : `feedback.${outcome}`);
  return vote === 'unhelpful' && outcome !== 'unknown' ? textWithButtons(text, [say(lang, 'handoff.offer')]) : MessageFactory.text(text);
}

/** A text with buttons that answer it (确认 / 取消), for the hand-off's confirmation and the like. */
export function promptReply(text: string, buttons: string[]): Reply {
  return textWithButtons(text, buttons);
}

/** The answer's first line, which says what it is about (4.3「…」由省国土资源厅牵头。), ending as a sentence. */
function leadSentence(text: string): string {
  return text.split('\n')[0].replace(/[：:]$/, (colon) => (colon === '：' ? '。' : '.'));
}

/** 您是不是想问…: the engine's options, each a complete question, as buttons; the text numbers them for typing. */
export function clarifyReply(text: string, options: string[]): Reply {
  return textWithButtons(text, options);
}

export function welcomeReply(): Reply {
  return textWithButtons(WELCOME_TEXT, [...EXAMPLE_QUESTIONS.zh, ...EXAMPLE_QUESTIONS.en]);
}

/** The one help text, the engine's, whether asked with 帮助 or in a question ("how do I use this?"). */
export function helpReply(help: { text: string; suggestions: string[] }): Reply {
  return textWithButtons(help.text, help.suggestions);
}

export function cancelledReply(lang: Lang): Reply {
  return MessageFactory.text(CANCELLED_TEXT[lang]);
}

export function pongReply(): Reply {
  return MessageFactory.text(PONG_TEXT);
}

/** The reply to `echo <text>`: the text itself. */
export function echoReply(text: string): Reply {
  return MessageFactory.text(text);
}

function textWithButtons(text: string, questions: string[]): Reply {
  return questions.length ? MessageFactory.suggestedActions(questions, text) : MessageFactory.text(text);
}
