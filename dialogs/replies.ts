import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import type { Answer, Lang } from '../knowledge';
import { itemCard } from './cards';
import { CANCELLED_TEXT, EXAMPLE_QUESTIONS, PONG_TEXT, WELCOME_TEXT } from './texts';

type Reply = Partial<Activity>;

/**
 * How an answer is shown. An answer about one item gets the item's card, its next questions as
 * the card's buttons; anything else (lists, help, "I don't know") is text with its suggestions as
 * buttons under it. Every reply carries the answer as plain text for channels that show no cards.
 */
export function answerReply(answer: Answer): Reply {
  const [item] = answer.items;
  if (answer.status === 'answered' && answer.items.length === 1) {
    return MessageFactory.attachment(CardFactory.adaptiveCard(itemCard(item, answer.lang, answer.suggestions)), answer.answer);
  }
  return textWithButtons(answer.answer, answer.suggestions);
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

function textWithButtons(text: string, questions: string[]): Reply {
  return questions.length ? MessageFactory.suggestedActions(questions, text) : MessageFactory.text(text);
}
