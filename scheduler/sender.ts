/**
 * How the scheduler reaches a conversation, in its own terms: the bot implements the sender and
 * makes the addresses; nothing here knows which chat SDK that is.
 */

/** A conversation as the chat channel addresses it. */
export interface ConversationAddress {
  conversationId: string;
  /** What the bot's sender needs to reach the conversation, serialized by the bot: stored and handed back as it is. */
  reference: string;
}

export type SendOutcome =
  | { kind: 'sent' }
  /** Worth trying again later: 429 (with the server's Retry-After), 412, 5xx, network errors, anything unknown. */
  | { kind: 'retry'; retryAfterMs?: number; status?: number; reason: string }
  /** The conversation cannot be reached any more: the bot was blocked or removed, or the conversation is gone. */
  | { kind: 'gone'; status: 403 | 404; reason: string };

/** A form for answering a hand-off, sent with the message that asks for the answer. */
export interface ReplyForm {
  ref: string;
  lang: 'zh' | 'en';
}

/**
 * Sends one message's text (and, when given, a form to answer a hand-off) to a stored conversation
 * reference, reporting what happened instead of throwing.
 */
export interface MessageSender {
  send(reference: string, text: string, form?: ReplyForm): Promise<SendOutcome>;
}
