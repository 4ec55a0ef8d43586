// The conversation this browser is in: kept across reloads (a liaison who bound it gets its
// reminders when the page is open again), its token renewed while the page is open.

const API_ROOT = '/webchat/api/conversations';
const STORAGE_KEY = 'edz-webchat-conversation';
/** Bounds of the renewal timer: no busy loop near expiry, and within what setTimeout can wait. */
const MIN_RENEWAL_DELAY_MS = 10_000;
const MAX_RENEWAL_DELAY_MS = 2 ** 31 - 1;

/** POSTs JSON to the page's API; throws an Error carrying the HTTP status unless the answer is 2xx. */
async function callApi(path, { token, body } = {}) {
  const response = await fetch(`${API_ROOT}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw Object.assign(new Error(`the assistant answered HTTP ${response.status}`), { status: response.status });
  return response.json();
}

/** A refused token (401, 403) means the conversation is over; anything else may pass. */
export function isSessionRefused(error) {
  return error.status === 401 || error.status === 403;
}

/** Whether the server still accepts the session's token (renewing it); only a refusal (401, 403) says no. */
export async function isSessionAccepted(session) {
  try {
    Object.assign(session, await callConversation(session, '/token'));
    save(session);
    return true;
  } catch (error) {
    return !isSessionRefused(error);
  }
}

/** A call about the session's conversation, with its token. */
export function callConversation(session, rest, body) {
  return callApi(`/${encodeURIComponent(session.conversationId)}${rest}`, { token: session.token, body });
}

/**
 * The conversation's event stream; browsers open one without headers, so the token is in the
 * query, and so is the last event this browser has (a reconnecting EventSource sends its own).
 */
export function streamUrl(session) {
  const lastEventId = session.lastEventId ? `&lastEventId=${encodeURIComponent(session.lastEventId)}` : '';
  return `${API_ROOT}/${encodeURIComponent(session.conversationId)}/stream?token=${encodeURIComponent(session.token)}${lastEventId}`;
}

/** Remembers the last event received, so that the page opened again is sent only what came after it. */
export function rememberEvent(session, eventId) {
  if (!eventId) return;
  session.lastEventId = eventId;
  save(session);
}

/**
 * The stored conversation, its token renewed, or a new one: {conversationId, userId, token,
 * expiresAt}. The object stays the same while its token is renewed, so holders see the new one.
 */
export async function openSession() {
  const stored = readStored();
  const session = (stored && (await renewed(stored))) || (await callApi(''));
  save(session);
  keepRenewed(session);
  return session;
}

export function forgetSession() {
  localStorage.removeItem(STORAGE_KEY);
}

async function renewed(session) {
  try {
    return { ...session, ...(await callConversation(session, '/token')) };
  } catch {
    return undefined;
  }
}

function keepRenewed(session) {
  const delay = Math.min(Math.max((session.expiresAt - Date.now()) / 2, MIN_RENEWAL_DELAY_MS), MAX_RENEWAL_DELAY_MS);
  setTimeout(async () => {
    try {
      Object.assign(session, await callConversation(session, '/token'));
      save(session);
    } catch (error) {
      // A refused token is noticed by the next message or stream; anything else is tried again.
      if (isSessionRefused(error)) return;
    }
    keepRenewed(session);
  }, delay);
}

function readStored() {
  try {
    const session = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return session?.conversationId && session?.token ? session : undefined;
  } catch {
    return undefined;
  }
}

function save(session) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}
