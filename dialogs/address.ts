import { type Activity, type ConversationReference, TurnContext } from 'botbuilder';
import type { ConversationAddress } from '../scheduler';

/**
 * A conversation's address for the scheduler: its Bot Framework conversation reference as JSON,
 * without activityId, which changes with every message and is not used to send. Undefined when
 * the activity names no conversation.
 */
export function addressOf(activity: Partial<Activity>): ConversationAddress | undefined {
  return addressOfReference(TurnContext.getConversationReference(activity));
}

export function addressOfReference(conversationReference: Partial<ConversationReference>): ConversationAddress | undefined {
  const { activityId: _perMessage, ...reference } = conversationReference;
  const conversationId = reference.conversation?.id;
  return conversationId ? { conversationId, reference: JSON.stringify(reference) } : undefined;
}

/** The conversation reference an address was made from, for a proactive send. */
export function referenceOf(address: ConversationAddress['reference']): Partial<ConversationReference> {
  return JSON.parse(address) as Partial<ConversationReference>;
}
