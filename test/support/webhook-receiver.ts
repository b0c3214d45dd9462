import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got: when, its headers and its raw body. */
export interface ReceivedRequest {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the receiver answers to the `index`th request (0-based) of the event with this id. */
export interface ReceiverAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Answer only after this long. */
  readonly delayMs?: number;
}

export type AnswerFor = (request: ReceivedRequest, index: number) => ReceiverAnswer;

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** The requests of one event (by its Idempotency-Key), in arrival order. */
  requestsOf(eventId: string): ReceivedRequest[];
  /** How many distinct events it got. */
  uniqueEvents(): number;
  close(): Promise<void>;
}

/** A subscriber's endpoint on a local port, answering as `answer` says; every request is kept. */
export async function startReceiver(answer: AnswerFor = () => ({ status: 200 })): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const byEvent = new Map<string, ReceivedRequest[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const eventId = String(req.headers['idempotency-key']);
      const ofEvent = byEvent.get(eventId) ?? [];
      ofEvent.push(received);
      byEvent.set(eventId, ofEvent);
      requests.push(received);
      const { status, headers = {}, delayMs = 0 } = answer(received, ofEvent.length - 1);
      const reply = () => {
        res.writeHead(status, headers);
        res.end('{"ok":true}');
      };
      if (delayMs > 0) setTimeout(reply, delayMs);
      else reply();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    requestsOf: (eventId) => byEvent.get(eventId) ?? [],
    uniqueEvents: () => byEvent.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
