import { type Activity, CardFactory, Channels, MessageFactory } from 'botbuilder';
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
 * is text with its suggestions as buttons under it.
 */
export function answerReply(answer: Answer, channelId: string | undefined): Reply {
  const [item] = answer.items;
  // A published FAQ entry: its text ends with the unit's citation (来源：省商务厅答复（…）), no item card.
  if (answer.faqIds.length) return MessageFactory.text(answer.answer);
  if (answer.status === 'answered' && answer.items.length === 1) {
    const card = CardFactory.adaptiveCard(itemCard(item, answer.lang, answer.suggestions, answer.quotes));
    return MessageFactory.attachment(card, channelId && CARD_CHANNELS.has(channelId) ? leadSentence(answer.answer) : answer.answer);
  }
  return textWithButtons(answer.answer, answer.suggestions);
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
