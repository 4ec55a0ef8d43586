import { randomBytes, randomUUID } from 'node:crypto';
import type { Activity, ChannelAccount, ConversationAccount } from 'botbuilder';
import { z } from 'zod';
import type { ConversationClaims } from './tokens';

/** Web Chat's own channel id: the bot treats the page as the Web Chat it is (cards, suggested actions). */
export const WEB_CHANNEL_ID = 'webchat';

/** The bot as the page's conversations know it. */
const BOT_ACCOUNT: ChannelAccount = { id: 'edz-assistant', name: 'EDZ Assistant', role: 'bot' };

const CONVERSATION_ID = /^web-[0-9a-f]{32}$/;

/** A new web conversation and its user, unguessable (the ids travel in tokens and URLs). */
export function newConversation(): { conversationId: string; userId: string } {
  return { conversationId: `web-${randomBytes(16).toString('hex')}`, userId: `web-user-${randomBytes(8).toString('hex')}` };
}

export function isWebConversationId(id: string): boolean {
  return CONVERSATION_ID.test(id);
}

/**
 * What the page may post: a message typed, or a button clicked (a card's button posts its data
 * as the value). Anything else Web Chat adds (from, channelId, entities…) is dropped: the server
 * says who is talking and where.
 */
const postedMessage = z.object({
  type: z.literal('message'),
  text: z.string().optional(),
  value: z.unknown().optional(),
  locale: z.string().max(35).optional(),
  channelData: z.object({ clientActivityID: z.string().max(100).optional(), postBack: z.boolean().optional() }).optional(),
});

export type PostedMessage = z.infer<typeof postedMessage>;

/** The message a page posted, or why it is none. */
export function parsePostedMessage(body: unknown): { message: PostedMessage } | { problem: string } {
  const parsed = postedMessage.safeParse(body);
  if (parsed.success) return { message: parsed.data };
  return { problem: `not a message: ${parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ')} missing or invalid` };
}

/** The turn's activity: the page's message in the conversation its token names, replies expected in the response. */
export function userMessage(message: PostedMessage, claims: ConversationClaims, serviceUrl: string): Activity {
  return incoming(claims, serviceUrl, { ...message, id: randomUUID() });
}

/** The turn that greets a new conversation's user, as a channel announces a member joining. */
export function userJoined(claims: ConversationClaims, serviceUrl: string): Activity {
  return incoming(claims, serviceUrl, { type: 'conversationUpdate', membersAdded: [userAccount(claims)] });
}

function incoming(claims: ConversationClaims, serviceUrl: string, fields: Partial<Activity>): Activity {
  const conversation: ConversationAccount = { id: claims.conversationId, name: '', isGroup: false, conversationType: 'personal' };
  // The schema marks fields required (label, listenFor…) that no channel sends; botbuilder does without them.
  return {
    ...fields,
    timestamp: new Date(),
    channelId: WEB_CHANNEL_ID,
    serviceUrl,
    from: userAccount(claims),
    recipient: BOT_ACCOUNT,
    conversation,
    deliveryMode: 'expectReplies',
  } as Activity;
}

function userAccount(claims: ConversationClaims): ChannelAccount {
  return { id: claims.userId, name: '', role: 'user' };
}

/** The fields of an activity a page is shown. Not serviceUrl: it carries the local connector's key. */
const PAGE_FIELDS = [
  'type',
  'id',
  'timestamp',
  'from',
  'conversation',
  'replyToId',
  'text',
  'textFormat',
  'locale',
  'attachments',
  'attachmentLayout',
  'suggestedActions',
  'inputHint',
  'value',
] as const satisfies ReadonlyArray<keyof Activity>;

export type PageActivity = Partial<Pick<Activity, (typeof PAGE_FIELDS)[number]>> & {
  /** Web Chat matches its pending message with the echo by clientActivityID, and hides a postBack's. */
  channelData?: { clientActivityID?: string; postBack?: boolean };
};

/**
 * An activity as the page gets it: only what it shows, with an id and a time (replies have
 * neither yet). The bot writes plain text, its lines broken by \n: unless it says otherwise,
 * the text is marked plain, as Web Chat would read it as Markdown and join the lines.
 */
export function forPage(activity: Partial<Activity>): PageActivity {
  const shown: PageActivity = Object.fromEntries(PAGE_FIELDS.filter((f) => activity[f] !== undefined).map((f) => [f, activity[f]]));
  const channelData = pageChannelData(activity.channelData);
  return {
    ...shown,
    ...(channelData && { channelData }),
    ...(activity.text && { textFormat: activity.textFormat ?? 'plain' }),
    id: activity.id ?? randomUUID(),
    timestamp: activity.timestamp ?? new Date(),
  };
}

function pageChannelData(channelData: unknown): PageActivity['channelData'] | undefined {
  const parsed = postedMessage.shape.channelData.safeParse(channelData);
  return parsed.success && parsed.data && Object.keys(parsed.data).length ? parsed.data : undefined;
}
