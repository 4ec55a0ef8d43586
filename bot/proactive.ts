import { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { referenceOf } from '../dialogs/address';
import { handoffReplyCard } from '../dialogs/cards';
import type { MessageSender, ReplyForm, SendOutcome } from '../scheduler';

/**
 * Proactive sends (reminders, assessment results, admin notices) through a botbuilder CloudAdapter,
 * reporting what happened as a value the caller can store, instead of an exception.
 */

/** The one method of CloudAdapter that ProactiveSender uses; the bot passes its own adapter. */
export type ProactiveAdapter = Pick<CloudAdapter, 'continueConversationAsync'>;

/** The scheduler's MessageSender on Bot Framework: each stored reference is continued and the text sent to it. */
export class ProactiveSender implements MessageSender {
  /** `appId` is the bot's MicrosoftAppId; empty for a local bot without authentication. */
  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly appId: string = '',
  ) {}

  async send(reference: string, text: string, form?: ReplyForm): Promise<SendOutcome> {
    const attachments = form ? [CardFactory.adaptiveCard(handoffReplyCard(form.ref, form.lang))] : undefined;
    let outcome: SendOutcome = { kind: 'retry', reason: 'the adapter did not run the send' };
    try {
      await this.adapter.continueConversationAsync(this.appId, referenceOf(reference), async (context) => {
        // Caught here: with an onTurnError handler set, continueConversationAsync resolves even when the send failed.
        try {
          await context.sendActivity({ type: 'message', text, attachments });
          outcome = { kind: 'sent' };
        } catch (err) {
          outcome = classifySendError(err);
        }
      });
    } catch (err) {
      outcome = classifySendError(err);
    }
    return outcome;
  }
}

/** An HTTP answer other than 2xx from the Bot Connector, as thrown by SingleAttemptHttpClient. */
export class ConnectorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    body: string,
  ) {
    super(`Bot Connector answered HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'ConnectorHttpError';
  }
}

/** Maps an error from the connector client to what the outbox should do with the message. */
export function classifySendError(err: unknown): SendOutcome {
  const reason = err instanceof Error ? err.message : String(err);
  const status = statusOf(err);
  if (status === 403 || status === 404) return { kind: 'gone', status, reason };
  if (status === 429) return { kind: 'retry', status, retryAfterMs: retryAfterOf(err), reason };
  return status === undefined ? { kind: 'retry', reason } : { kind: 'retry', status, reason };
}

function statusOf(err: unknown): number | undefined {
  if (err instanceof ConnectorHttpError) return err.status;
  // @azure/core-rest-pipeline's RestError, when the adapter was built without SingleAttemptHttpClient.
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof ConnectorHttpError) return err.retryAfterMs;
  const headers = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response?.headers;
  return parseRetryAfter(headers?.get?.('retry-after') ?? null, Date.now());
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

type ConnectorClientOptions = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]>;
type CompatHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type CompatRequest = Parameters<CompatHttpClient['sendRequest']>[0];
type CompatResponse = Awaited<ReturnType<CompatHttpClient['sendRequest']>>;

/**
 * The connector client's transport, making exactly one attempt per request.
 *
 * The default Azure pipeline retries 429/5xx/network errors itself, sleeping in-process for
 * Retry-After (three times). Our outbox retries durably instead, so a failed answer must reach
 * it at once: non-2xx answers and network errors are thrown as errors that are not RestErrors,
 * which the pipeline's retry policy passes through untouched.
 */
export class SingleAttemptHttpClient implements CompatHttpClient {
  constructor(private readonly timeoutMs = 30_000) {}

  async sendRequest(request: CompatRequest): Promise<CompatResponse> {
    const signals = [AbortSignal.timeout(request.timeout || this.timeoutMs)];
    if (request.abortSignal) signals.push(request.abortSignal as AbortSignal);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers.rawHeaders(),
        body: typeof request.body === 'string' ? request.body : request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      const cause = (err as Error).cause;
      const why = cause instanceof Error ? cause.message : (err as Error).message;
      throw new Error(`Bot Connector unreachable at ${new URL(request.url).origin}: ${why}`, { cause: err });
    }
    const bodyAsText = await response.text();
    if (!response.ok) {
      throw new ConnectorHttpError(response.status, parseRetryAfter(response.headers.get('retry-after'), Date.now()), bodyAsText);
    }
    return { request, status: response.status, headers: responseHeaders(request, response), bodyAsText };
  }
}

/** The compat headers type has ten methods; an emptied clone of the request's headers provides them all. */
function responseHeaders(request: CompatRequest, response: Response): CompatResponse['headers'] {
  const headers = request.headers.clone();
  for (const name of headers.headerNames()) headers.remove(name);
  response.headers.forEach((value, name) => headers.set(name, value));
  return headers;
}

/**
 * A CloudAdapter for proactive sends, configured from the environment (MicrosoftAppId,
 * MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId; an empty MicrosoftAppId means a
 * local bot without authentication), whose requests give up after SEND_TIMEOUT_SECONDS (30) and are
 * never retried in-process. The scheduler CLI, the tests and the bot server use it for ProactiveSender.
 */
export function createProactiveAdapter(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = Number(env.SEND_TIMEOUT_SECONDS || 30) * 1000,
): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication(env, undefined, undefined, undefined, {
    httpClient: new SingleAttemptHttpClient(timeoutMs),
  });
  return new CloudAdapter(auth);
}
