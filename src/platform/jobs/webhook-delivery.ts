import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EntityEvent } from '../events/entity-event';
import { eventTopic } from '../events/entity-event';

/** Where one subscription's deliveries go and what signs them (read from the variables it names). */
export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
}

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const SIGNATURE_HEADER = 'X-Signature';
export const USER_AGENT = 'apso-webhooks';

/** What one delivery attempt came to. */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  /** Worth another attempt: a network error, a timeout, 429 or 5xx; `retryAfterMs` when the receiver said when. */
  | { readonly kind: 'retryable'; readonly reason: string; readonly retryAfterMs?: number }
  /** Any other status: the receiver refuses this event, and would refuse it again. */
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string };

/** The body subscribers receive: the event's fields, in a fixed order, and nothing else. */
export function webhookBody(event: EntityEvent): string {
  const { id, type, entity, entityId, timestamp, payload } = event;
  return JSON.stringify({ id, type, entity, entityId, timestamp, payload });
}

function hmacHex(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The X-Signature value of `rawBody` signed at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, rawBody: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

/**
 * The subscriber's check (docs/jobs.md): the signature is the body's, made with the shared secret, no
 * more than `toleranceSeconds` from now (a captured request cannot be replayed later). Compares in
 * constant time, so the answer's timing tells an attacker nothing about the expected signature.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  toleranceSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (header === undefined) return false;
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const signature = parts.get('v1');
  if (!Number.isInteger(timestamp) || signature === undefined || !/^[0-9a-f]{64}$/.test(signature)) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** Retry-After as seconds or as an HTTP date, in milliseconds from now, at most `maxMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, maxMs: number, nowMs: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMs;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), maxMs);
}

/**
 * One delivery attempt: POSTs the signed event and classifies the answer. Its body is never read
 * (a receiver could send any amount): it is cancelled, which frees the connection.
 */
export async function deliverWebhook(
  target: WebhookTarget,
  event: EntityEvent,
  options: { readonly timeoutMs: number; readonly maxBackoffMs: number },
): Promise<DeliveryOutcome> {
  const body = webhookBody(event);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      body,
      // A redirect is answered as a rejection: following it would send the signed event where the
      // subscription does not say.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'Content-Type': 'application/json',
        [SIGNATURE_HEADER]: signatureHeader(target.secret, body, Math.floor(Date.now() / 1000)),
        'Idempotency-Key': event.id,
        'X-Event-Id': event.id,
        'X-Event-Type': eventTopic(event),
        'User-Agent': USER_AGENT,
      },
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return { kind: 'retryable', reason: timedOut ? `no answer within ${options.timeoutMs} ms` : networkError(error) };
  }
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.maxBackoffMs);
    return { kind: 'retryable', reason: `answered ${status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: 'rejected', status, reason: `answered ${status}` };
}

/** fetch's "fetch failed" says little; its cause (ECONNREFUSED, ENOTFOUND…) says what happened. */
function networkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
