import { request as httpRequest } from 'node:http';

export interface HttpResult<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

/** application/json and the +json types, such as errors' application/problem+json. */
function isJsonType(contentType: string | null): boolean {
  return /^application\/(?:[\w.-]+\+)?json\b/i.test(contentType ?? '');
}

/** One real HTTP request; the body is parsed as JSON when the response is JSON. */
export async function http<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = isJsonType(response.headers.get('content-type'));
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (isJson && text ? JSON.parse(text) : text) as T,
  };
}

/**
 * One request on a connection of its own (no keep-alive pool), with the body sent as given, even on
 * a GET. For property tests that send thousands of hostile requests: a server that closes a
 * connection after a rejected body cannot make the next, unrelated request fail with ECONNRESET.
 */
export function httpOnce(
  baseUrl: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    // Node sends a DELETE's or GET's body without a length unless told; the server would read it as a second request.
    const lengthHeader = payload === undefined ? {} : { 'content-length': String(payload.length) };
    const request = httpRequest(
      { host: url.hostname, port: url.port, method, path, agent: false, headers: { ...lengthHeader, ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const isJson = isJsonType(responseHeaders.get('content-type'));
          resolve({
            status: response.statusCode ?? 0,
            headers: responseHeaders,
            text,
            body: isJson && text ? JSON.parse(text) : text,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
