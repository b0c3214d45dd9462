import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WORKER_METRIC_NAMES } from '../../src/platform/metrics/metric-names';
import { bootExampleBackend, type ExampleBackend } from '../support/example-backend';
import { http } from '../support/http';
import { REPO_ROOT } from '../support/repository';
import { eventually, type RunningApp, startApp } from '../support/services';

/**
 * Background work end to end on this repository's own backend, as generated from schema.apso.json
 * (Project and Task publish their events to the `activity` webhook): the API records each event in
 * the write's transaction, the worker (dist/worker.js, a process of its own) relays and delivers it,
 * signed, to a receiver this test runs; the admin routes show, list and replay what failed.
 */
const REDIS_DATABASE = 5;
const SECRET = randomBytes(32).toString('base64url');
const ADMIN_TOKEN = randomBytes(32).toString('base64url');
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

interface Delivery {
  readonly headers: IncomingMessage['headers'];
  readonly raw: string;
  /** What the receiver answered. */
  readonly status: number;
  readonly body: {
    id: string;
    type: string;
    entity: string;
    entityId: string;
    timestamp: string;
    payload: Record<string, unknown>;
  };
}

/** A subscriber: records every delivery; `refuse` decides which ones it answers 400 instead of 204. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  refuse: (delivery: Omit<Delivery, 'status'>) => boolean = () => false;
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const received = { headers: request.headers, raw, body: JSON.parse(raw) as Delivery['body'] };
      const status = this.refuse(received) ? 400 : 204;
      this.deliveries.push({ ...received, status });
      response.statusCode = status;
      response.end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  accepted(entityId: string): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.body.entityId === entityId && delivery.status === 204);
  }
}

/** Checks X-Signature (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`) as a subscriber would. */
function signatureHolds(delivery: Delivery): boolean {
  const header = String(delivery.headers['x-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', SECRET).update(`${parts.t}.${delivery.raw}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('background work on the example backend: events, webhooks, dead letters', () => {
  let backend: ExampleBackend;
  let worker: RunningApp;
  const receiver = new Receiver();

  before(async () => {
    const url = await receiver.start();
    backend = await bootExampleBackend('apso_jobs', REDIS_DATABASE, { JOBS_ADMIN_TOKEN: ADMIN_TOKEN });
    worker = await startApp(
      join(REPO_ROOT, 'dist', 'worker.js'),
      {
        ...backend.env,
        WEBHOOK_ACTIVITY_URL: url,
        WEBHOOK_ACTIVITY_SECRET: SECRET,
        EVENT_RELAY_INTERVAL_MS: '50',
      },
      undefined,
      'WORKER_PORT',
    );
  });

  after(async () => {
    await worker?.stop();
    await backend?.stop();
    await receiver.stop();
  });

  it('delivers one signed event per write, with the row as the API answered it', async () => {
    const created = await backend.send('POST', '/projects', { name: 'Launch' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const updated = await backend.send('PATCH', `/projects/${id}`, { name: 'Launch v2' });
    assert.equal(updated.status, 200, updated.text);
    assert.equal((await backend.send('DELETE', `/projects/${id}`)).status, 204);

    assert.ok(await eventually(async () => receiver.accepted(id).length >= 3, 15_000), worker.output());
    // Deliveries run concurrently and may arrive in any order (docs/jobs.md); the timestamps order them.
    const deliveries = receiver
      .accepted(id)
      .sort((one, other) => Date.parse(one.body.timestamp) - Date.parse(other.body.timestamp));
    assert.deepEqual(
      deliveries.map((delivery) => delivery.body.type),
      ['created', 'updated', 'deleted'],
    );
    for (const delivery of deliveries) {
      assert.ok(signatureHolds(delivery), `signature of ${delivery.raw}`);
      assert.equal(delivery.headers['idempotency-key'], delivery.body.id);
      assert.equal(delivery.body.entity, 'Project');
      assert.ok(!Number.isNaN(Date.parse(delivery.body.timestamp)));
    }
    assert.deepEqual(deliveries[0].body.payload, created.body);
    assert.deepEqual(deliveries[1].body.payload, updated.body);
    assert.deepEqual(deliveries[2].body.payload, { id });
    assert.equal(new Set(deliveries.map((delivery) => delivery.body.id)).size, 3);

    const jobPath = `/jobs/activity.${deliveries[0].body.id}`;
    assert.ok(
      await eventually(
        async () => (await http(backend.app.baseUrl, 'GET', jobPath, undefined, ADMIN)).body.state === 'completed',
      ),
    );
    const job = await http(backend.app.baseUrl, 'GET', jobPath, undefined, ADMIN);
    assert.equal(job.status, 200, job.text);
    assert.equal(job.body.attempts, 1);
  });

  it('records no event for a write that fails or rolls back', async () => {
    const before = await backend.sql.query('SELECT count(*)::int AS n FROM apso_events');
    const delivered = receiver.deliveries.length;
    const refused = await backend.send('POST', '/tasks', {
      title: 'orphan',
      projectId: '00000000-0000-4000-8000-000000000000',
    });
    assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
    const after = await backend.sql.query('SELECT count(*)::int AS n FROM apso_events');
    assert.equal(after.rows[0].n, before.rows[0].n);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(receiver.deliveries.length, delivered);
  });

  it('moves a refused delivery to the dead letters, and a replay delivers it once the receiver accepts', async () => {
    receiver.refuse = (delivery) => delivery.body.payload.name === 'Refused';
    const created = await backend.send('POST', '/projects', { name: 'Refused' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const dead = await eventually(async () => {
      const page = await http(backend.app.baseUrl, 'GET', '/jobs/dead', undefined, ADMIN);
      return page.status === 200 && page.body.data.some((letter: any) => letter.event.entityId === id);
    }, 15_000);
    assert.ok(
      dead,
      `no dead letter for project ${id}:\n${JSON.stringify(receiver.deliveries.slice(-3).map((d) => d.body))}\n${worker.output()}`,
    );
    const page = await http(backend.app.baseUrl, 'GET', '/jobs/dead', undefined, ADMIN);
    const letter = page.body.data.find((entry: any) => entry.event.entityId === id);
    // A 400 is the subscriber's final word: one attempt, no retry.
    assert.equal(receiver.deliveries.filter((delivery) => delivery.body.entityId === id).length, 1);

    receiver.refuse = () => false;
    const replay = await http(backend.app.baseUrl, 'POST', `/jobs/dead/${letter.id}/replay`, undefined, ADMIN);
    assert.equal(replay.status, 202, replay.text);
    assert.ok(
      await eventually(async () => receiver.accepted(id).length === 1, 15_000),
      `replay of ${letter.id} not delivered:\n${worker.output()}`,
    );
    const completed = await eventually(async () => {
      const replayed = await http(backend.app.baseUrl, 'GET', `/jobs/${replay.body.id}`, undefined, ADMIN);
      return replayed.body.state === 'completed';
    });
    assert.ok(completed, `replayed job ${replay.body.id} never completed`);
    assert.equal(receiver.accepted(id)[0].body.id, letter.event.id);
    const left = await http(backend.app.baseUrl, 'GET', '/jobs/dead', undefined, ADMIN);
    assert.ok(!left.body.data.some((entry: any) => entry.event.entityId === id));
  });

  it('keeps the admin routes closed without the token', async () => {
    assert.equal((await backend.send('GET', '/jobs/dead')).status, 401);
    assert.equal((await http(backend.app.baseUrl, 'GET', '/admin/queues')).status, 401);
  });

  it('exports the queues and deliveries on the worker’s /metrics', async () => {
    const metrics = await http(worker.baseUrl, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    const missing = WORKER_METRIC_NAMES.filter((name) => !metrics.text.includes(`# TYPE ${name} `));
    assert.deepEqual(missing, [], 'every metric only the worker exports is on its /metrics');
    assert.match(metrics.text, /^queue_jobs\{queue="webhooks",state="completed"\} [1-9]/m);
    assert.match(
      metrics.text,
      /^webhook_delivery_attempts_total\{subscription="activity",outcome="delivered"\} [1-9]/m,
    );
    assert.match(metrics.text, /^webhook_delivery_seconds_count\{subscription="activity"\} [1-9]/m);
    assert.match(metrics.text, /^events_relayed_total [1-9]/m);
  });
});
