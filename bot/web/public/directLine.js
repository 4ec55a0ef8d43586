// The chat adapter Web Chat talks to, in place of DirectLineJS: activity$ (what the bot and the
// user said), connectionStatus$ (Direct Line's numbers), postActivity (an observable of the new
// activity's id) and end. Replies come back in the response to each post; what the bot says on
// its own (the welcome, reminders) comes over the conversation's server-sent event stream.

import { callConversation, isSessionAccepted, isSessionRefused, rememberEvent, streamUrl } from './session.js';

/** DirectLineJS's ConnectionStatus values, which Web Chat reads. */
const UNINITIALIZED = 0;
const CONNECTING = 1;
const ONLINE = 2;
const FAILED_TO_CONNECT = 4;
const ENDED = 5;

/** How long a page waits before opening again a stream the server did not open (too many open, a failing server). */
const REOPEN_MS = 15_000;

/**
 * The least of an observable Web Chat needs: subscribe({ next, error, complete }) returning
 * { unsubscribe() }. With an initial value it also replays the latest value to each new
 * subscriber, as the BehaviorSubject behind DirectLineJS's connectionStatus$ does.
 */
function createSubject(...initial) {
  const observers = new Set();
  const remembers = initial.length > 0;
  let latest = initial[0];
  return {
    subscribe(observer) {
      const subscriber = typeof observer === 'function' ? { next: observer } : observer;
      observers.add(subscriber);
      if (remembers) subscriber.next?.(latest);
      return { unsubscribe: () => observers.delete(subscriber) };
    },
    next(value) {
      latest = value;
      for (const subscriber of [...observers]) subscriber.next?.(value);
    },
  };
}

/**
 * `session` is {conversationId, token, …}, read at each call so renewed tokens are used.
 * `onRefused` is called when the server no longer accepts the conversation's token.
 */
export function createDirectLine(session, onRefused) {
  const activities = createSubject();
  const connectionStatus$ = createSubject(UNINITIALIZED);
  let stream;
  let reopening;
  let ended = false;

  // DirectLineJS connects when activity$ gets its first subscriber; Web Chat relies on that.
  const activity$ = {
    subscribe(observer) {
      const subscription = activities.subscribe(observer);
      stream ??= openStream();
      return subscription;
    },
  };

  function openStream() {
    connectionStatus$.next(CONNECTING);
    const source = new EventSource(streamUrl(session));
    source.onopen = () => connectionStatus$.next(ONLINE);
    source.onmessage = (event) => {
      activities.next(JSON.parse(event.data));
      rememberEvent(session, event.lastEventId);
    };
    source.onerror = () => {
      // While the browser retries by itself the state is CONNECTING; CLOSED means the server answered with something else than a stream.
      connectionStatus$.next(CONNECTING);
      if (source.readyState === EventSource.CLOSED) reopenUnlessRefused();
    };
    return source;
  }

  /**
   * The browser does not say why a stream was not opened. Only a refused token ends the
   * conversation: anything else (too many streams open, a failing server) is tried again later,
   * so that a liaison is not offered a new conversation, which would lose their binding.
   */
  async function reopenUnlessRefused() {
    if (!(await isSessionAccepted(session))) {
      connectionStatus$.next(FAILED_TO_CONNECT);
      onRefused();
      return;
    }
    if (!ended) reopening = setTimeout(() => (stream = openStream()), REOPEN_MS);
  }

  function postActivity(activity) {
    return {
      subscribe(observer) {
        let subscribed = true;
        callConversation(session, '/activities', activity).then(
          ({ id, activities: sent }) => {
            // The echo (with Web Chat's clientActivityID) first, then the replies: shown even if Web Chat stopped waiting.
            for (const each of sent) activities.next(each);
            if (!subscribed) return;
            observer.next?.(id);
            observer.complete?.();
          },
          (error) => {
            if (isSessionRefused(error)) onRefused();
            if (subscribed) observer.error?.(error);
          },
        );
        return { unsubscribe: () => (subscribed = false) };
      },
    };
  }

  function end() {
    ended = true;
    clearTimeout(reopening);
    stream?.close();
    connectionStatus$.next(ENDED);
  }

  return { activity$, connectionStatus$, postActivity, end };
}
