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
