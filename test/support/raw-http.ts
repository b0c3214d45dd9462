import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent, as text. */
  readonly received: string;
  /** Whether the server closed the connection before the wait ended. */
  readonly closedByServer: boolean;
  readonly elapsedMs: number;
}

/**
 * Writes `parts` on a plain TCP connection, `pauseMs` apart, and collects what the server sends
 * until it closes the connection or `waitMs` passes. For requests no HTTP client would send: a body
 * shorter than its Content-Length, headers that never end, a body the server refuses mid-way.
 */
export function rawExchange(
  baseUrl: string,
  parts: readonly string[],
  waitMs: number,
  pauseMs = 0,
): Promise<RawExchange> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    let closedByServer = true;
    const giveUp = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, waitMs);
    // The server may close while the client is still writing (EPIPE, ECONNRESET): that is an answer, not a failure.
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ received: Buffer.concat(chunks).toString('latin1'), closedByServer, elapsedMs: Date.now() - started });
    });
    socket.on('connect', async () => {
      for (const [index, part] of parts.entries()) {
        if (index > 0 && pauseMs > 0) await new Promise((done) => setTimeout(done, pauseMs));
        if (socket.destroyed) return;
        socket.write(part);
      }
    });
  });
}

/** The status code of the first response in raw HTTP/1.1 bytes, or undefined if there is none. */
export function statusOf(received: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(received);
  return match ? Number(match[1]) : undefined;
}

export interface EarlyAnswer {
  readonly status: number | undefined;
  /** The answer's Content-Type, undefined when it has none. */
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/**
 * Announces a JSON body of `contentLength` bytes, sends none of it, and reads the answer. A server
 * refuses a body over its limit from the Content-Length alone: it answers 413 and closes at once.
 * A client that is still sending the body then (as `fetch` did) can hit EPIPE or ECONNRESET before it
 * reads the answer, and unread body bytes at the server make its close a reset that can discard the
 * answer too; with nothing in flight there is no race. Clients that send `Expect: 100-continue`
 * (curl, for large bodies) likewise wait for the answer first.
 */
export async function answerToAnnouncedBody(
  baseUrl: string,
  path: string,
  contentLength: number,
): Promise<EarlyAnswer> {
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: ${new URL(baseUrl).host}`,
    'Content-Type: application/json',
    `Content-Length: ${contentLength}`,
  ];
  const { received } = await rawExchange(baseUrl, [`${head.join('\r\n')}\r\n\r\n`], 5_000);
  const answerHead = received.slice(0, received.indexOf('\r\n\r\n'));
  const text = received.slice(received.indexOf('\r\n\r\n') + 4);
  const contentType = /^content-type:\s*(.*)$/im.exec(answerHead)?.[1]?.trim();
  return { status: statusOf(received), contentType, body: text.startsWith('{') ? JSON.parse(text) : text };
}
