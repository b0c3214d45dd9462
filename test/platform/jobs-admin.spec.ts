import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'bullmq';
import type { DeadLetterData, WebhookJobData } from '../../src/platform/jobs/jobs-config';
import {
  DEAD_LETTER_QUEUE,
  queuePrefix,
  WEBHOOK_QUEUE,
  webhookJobId,
  webhookJobOptions,
} from '../../src/platform/jobs/jobs-config';
import { http } from '../support/http';
import { metricValue } from '../support/metrics';
import { emptyRedis, freePort } from '../support/services';
import {
  apiToken,
  CACHE_NAMESPACE,
  JOBS,
  JobsAdminApp,
  startJobsAdminApp,
  testQueues,
  widgetCreated,
} from './support/jobs-admin-app';
import { RedisServer, startRedisServer } from './support/redis-server';

const REDIS_DATABASE = 3;
const ADMIN_TOKEN = randomBytes(32).toString('base64url');
const BEARER = { authorization: `Bearer ${ADMIN_TOKEN}` };
const BASIC = { authorization: `Basic ${Buffer.from(`operator:${ADMIN_TOKEN}`).toString('base64')}` };
const UNKNOWN_ROUTE = 'No resource is served at this path';
const SUBSCRIPTION = 'billing';

function delivery(): WebhookJobData {
  return { subscription: SUBSCRIPTION, event: widgetCreated() };
}

function deadLetter(reason = 'subscriber answered 500'): DeadLetterData {
  return { ...delivery(), attempts: JOBS.attempts, failedReason: reason, failedAt: new Date().toISOString() };
}

describe('the job routes and the queue board, with JOBS_ADMIN_TOKEN set', { timeout: 120_000 }, () => {
  let fixture: JobsAdminApp;
  let queues: ReturnType<typeof testQueues>;
  let redisUrl: string;

  before(async () => {
    redisUrl = await emptyRedis(REDIS_DATABASE);
    fixture = await startJobsAdminApp({ REDIS_URL: redisUrl, JOBS_ADMIN_TOKEN: ADMIN_TOKEN });
    queues = testQueues(redisUrl);
  });

  after(async () => {
    await queues?.close();
    await fixture?.close();
  });

  const get = (path: string, headers: Record<string, string> = BEARER) =>
    http(fixture.baseUrl, 'GET', path, undefined, headers);

  test('GET /jobs/:id of a waiting delivery: its state, attempts and event, without the payload', async () => {
    const data = delivery();
    const id = webhookJobId(SUBSCRIPTION, data.event.id);
    await queues.webhooks.add('Widget.created', data, { ...webhookJobOptions(JOBS), jobId: id, delay: 60_000 });
    const delayed = await get(`/jobs/${id}`);
    assert.equal(delayed.status, 200, delayed.text);
    assert.equal(delayed.body.state, 'delayed');
    const waitingData = delivery();
    const waitingId = webhookJobId(SUBSCRIPTION, waitingData.event.id);
    await queues.webhooks.add('Widget.created', waitingData, { ...webhookJobOptions(JOBS), jobId: waitingId });
    const { status, body, headers } = await get(`/jobs/${waitingId}`);
    assert.equal(status, 200);
    assert.match(headers.get('cache-control') ?? '', /no-store/);
    const { createdAt, ...rest } = body;
    assert.deepEqual(rest, {
      id: waitingId,
      queue: WEBHOOK_QUEUE,
      state: 'waiting',
      attempts: 0,
      maxAttempts: JOBS.attempts,
      progress: 0,
      subscription: SUBSCRIPTION,
      event: {
        id: waitingData.event.id,
        type: 'created',
        entity: 'Widget',
        entityId: waitingData.event.entityId,
        timestamp: waitingData.event.timestamp,
      },
    });
    assert.ok(Math.abs(Date.parse(createdAt) - Date.now()) < 60_000, createdAt);
    await queues.webhooks.remove(id);
    await queues.webhooks.remove(waitingId);
  });

  test('GET /jobs/:id of a completed and of a failed delivery: when it ran, and why it failed', async () => {
    const good = delivery();
    const bad = delivery();
    const goodId = webhookJobId(SUBSCRIPTION, good.event.id);
    const badId = webhookJobId(SUBSCRIPTION, bad.event.id);
    await queues.webhooks.add('Widget.created', good, { jobId: goodId, attempts: 2 });
    await queues.webhooks.add('Widget.created', bad, { jobId: badId, attempts: 1 });
    const finished = new Set<string>();
    // A connection passed in is the caller's to close: worker.close() leaves it open.
    const workerConnection = queues.connection.duplicate();
    const worker = new Worker<WebhookJobData>(
      WEBHOOK_QUEUE,
      async (job) => {
        if (job.id === badId) throw new Error('subscriber answered 500');
        await job.updateProgress(100);
        return 'delivered';
      },
      { connection: workerConnection, prefix: queuePrefix(CACHE_NAMESPACE) },
    );
    await new Promise<void>((resolve) => {
      const settle = (id: string | undefined) => {
        if (id !== undefined) finished.add(id);
        if (finished.has(goodId) && finished.has(badId)) resolve();
      };
      worker.on('completed', (job) => settle(job.id));
      worker.on('failed', (job) => settle(job?.id));
    });
    await worker.close();
    await workerConnection.quit();

    const completed = await get(`/jobs/${goodId}`);
    assert.equal(completed.status, 200, completed.text);
    assert.equal(completed.body.state, 'completed');
    assert.equal(completed.body.attempts, 1);
    assert.equal(completed.body.maxAttempts, 2);
    assert.equal(completed.body.progress, 100);
    assert.equal(completed.body.failedReason, undefined);
    assert.ok(Date.parse(completed.body.processedAt) <= Date.parse(completed.body.finishedAt));

    const failed = await get(`/jobs/${badId}`);
    assert.equal(failed.status, 200, failed.text);
    assert.equal(failed.body.state, 'failed');
    assert.equal(failed.body.attempts, 1);
    assert.equal(failed.body.failedReason, 'subscriber answered 500');
    assert.ok(failed.body.finishedAt);
  });

  test('GET /jobs/:id of a dead letter: state dead, the attempts and failure of the delivery that died', async () => {
    const letter = deadLetter('subscriber answered 410');
    const id = webhookJobId(SUBSCRIPTION, letter.event.id);
    await queues.deadLetters.add('Widget.created', letter, { jobId: id });
    const { status, body } = await get(`/jobs/${id}`);
    assert.equal(status, 200);
    assert.equal(body.queue, DEAD_LETTER_QUEUE);
    assert.equal(body.state, 'dead');
    assert.equal(body.attempts, JOBS.attempts);
    assert.equal(body.failedReason, 'subscriber answered 410');
    assert.equal(body.finishedAt, letter.failedAt);
    assert.equal(body.event.id, letter.event.id);
    await queues.deadLetters.remove(id);
  });

  test('GET /jobs/:id: 400 for what is not a job id of this module, 404 for an unknown one', async () => {
    const uuid = randomUUID();
    for (const id of [
      'abc',
      `Billing.${uuid}`,
      `billing.${uuid}.replay-x`,
      `billing.${uuid}x`,
      `billing:${uuid}`,
      'billing.1',
    ]) {
      const answer = await get(`/jobs/${encodeURIComponent(id)}`);
      assert.equal(answer.status, 400, `${id}: ${answer.text}`);
      assert.equal(answer.body.status, 400);
    }
    const unknown = await get(`/jobs/billing.${uuid}.replay-1700000000000`);
    assert.equal(unknown.status, 404, unknown.text);
    assert.match(unknown.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  test('every job route and the board refuse a request without the admin token, a wrong one, or an API JWT', async () => {
    const jwt = await apiToken();
    // The JWT opens the app's own routes (the access guard accepts it) but none of these.
    assert.equal((await get('/widgets', { authorization: `Bearer ${jwt}` })).status, 200);
    const before = await metricValue(fixture.baseUrl, 'auth_failures_total{reason="missing"}');
    const id = webhookJobId(SUBSCRIPTION, randomUUID());
    const wrong = `Bearer ${randomBytes(32).toString('base64url')}`;
    const routes: [string, string, string][] = [
      ['GET', `/jobs/${id}`, 'Bearer'],
      ['GET', '/jobs/dead', 'Bearer'],
      ['POST', `/jobs/dead/${id}/replay`, 'Bearer'],
      ['GET', '/admin/queues', 'Basic realm="apso jobs"'],
      ['GET', '/admin/queues/api/queues', 'Basic realm="apso jobs"'],
    ];
    for (const [method, path, challenge] of routes) {
      for (const headers of [{}, { authorization: wrong }, { authorization: `Bearer ${jwt}` }] as Record<
        string,
        string
      >[]) {
        const answer = await http(fixture.baseUrl, method, path, undefined, headers);
        assert.equal(answer.status, 401, `${method} ${path} ${JSON.stringify(headers).slice(0, 30)}: ${answer.text}`);
        assert.equal(answer.headers.get('www-authenticate'), challenge);
        assert.equal(answer.body.status, 401);
        assert.ok(!answer.text.includes(ADMIN_TOKEN));
      }
    }
    // Basic credentials are for the browser's prompt on the board; the API takes a bearer token.
    assert.equal((await get(`/jobs/${id}`, BASIC)).status, 401);
    const after = await metricValue(fixture.baseUrl, 'auth_failures_total{reason="missing"}');
    assert.ok(after - before >= routes.length, `missing refusals counted: ${after - before}`);
  });

  test('GET /jobs/dead: pages of dead letters, newest first, with the total; limit and offset checked', async () => {
    await queues.deadLetters.obliterate({ force: true });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const letter = deadLetter(`failure ${i}`);
      const id = webhookJobId(SUBSCRIPTION, letter.event.id);
      await queues.deadLetters.add('Widget.created', letter, { jobId: id });
      ids.push(id);
    }
    const newestFirst = [...ids].reverse();
    const first = await get('/jobs/dead?limit=2');
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.total, 5);
    assert.deepEqual(
      first.body.data.map((item: { id: string }) => item.id),
      newestFirst.slice(0, 2),
    );
    assert.equal(first.body.data[0].state, 'dead');
    assert.equal(first.body.data[0].failedReason, 'failure 4');
    const last = await get('/jobs/dead?limit=2&offset=4');
    assert.deepEqual(
      last.body.data.map((item: { id: string }) => item.id),
      newestFirst.slice(4),
    );
    const all = await get('/jobs/dead');
    assert.equal(all.body.limit, 20);
    assert.equal(all.body.data.length, 5);
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=10001', 'offset=-1', 'limit=2&limit=3']) {
      const refused = await get(`/jobs/dead?${query}`);
      assert.equal(refused.status, 400, `${query}: ${refused.text}`);
    }
  });

  test('POST /jobs/dead/:id/replay: the same delivery back in the webhook queue as a new job, the letter gone', async () => {
    const letter = deadLetter();
    const id = webhookJobId(SUBSCRIPTION, letter.event.id);
    await queues.deadLetters.add('Widget.created', letter, { jobId: id });
    const replayed = await http(fixture.baseUrl, 'POST', `/jobs/dead/${id}/replay`, undefined, BEARER);
    assert.equal(replayed.status, 202, replayed.text);
    assert.match(replayed.body.id, new RegExp(`^${id.replace('.', '\\.')}\\.replay-\\d+$`));
    const job = await queues.webhooks.getJob(replayed.body.id);
    assert.ok(job, 'the replayed job is in the webhook queue');
    assert.deepEqual(job.data, { subscription: SUBSCRIPTION, event: letter.event });
    assert.equal(job.opts.attempts, JOBS.attempts);
    assert.deepEqual(job.opts.backoff, webhookJobOptions(JOBS).backoff);
    assert.equal(await queues.deadLetters.getJob(id), undefined);
    const view = await get(`/jobs/${replayed.body.id}`);
    assert.equal(view.body.state, 'waiting');
    const again = await http(fixture.baseUrl, 'POST', `/jobs/dead/${id}/replay`, undefined, BEARER);
    assert.equal(again.status, 404, again.text);
    await queues.webhooks.remove(replayed.body.id);
  });

  test('two replays of one dead letter at once queue one job', async () => {
    const letter = deadLetter();
    const id = webhookJobId(SUBSCRIPTION, letter.event.id);
    await queues.deadLetters.add('Widget.created', letter, { jobId: id });
    const before = await queues.webhooks.count();
    const replays = await Promise.all(
      [1, 2].map(() => http(fixture.baseUrl, 'POST', `/jobs/dead/${id}/replay`, undefined, BEARER)),
    );
    const queued = replays.filter((replay) => replay.status === 202).map((replay) => replay.body.id as string);
    assert.ok(queued.length >= 1, replays.map((replay) => replay.text).join('\n'));
    assert.equal(new Set(queued).size, 1, `one job id for both replays: ${queued.join(', ')}`);
    assert.equal(await queues.webhooks.count(), before + 1, 'one job added');
    await queues.webhooks.remove(queued[0]);
  });

  test('the queue board: its page for a browser with Basic credentials, its JSON API with a bearer token', async () => {
    const page = await get('/admin/queues', BASIC);
    assert.equal(page.status, 200, page.text.slice(0, 500));
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.text, /apso jobs/);
    const api = await get('/admin/queues/api/queues', BEARER);
    assert.equal(api.status, 200, api.text.slice(0, 500));
    const names = (api.body.queues as { name: string }[]).map((queue) => queue.name).sort();
    assert.deepEqual(names, [WEBHOOK_QUEUE, DEAD_LETTER_QUEUE].sort());
  });

  test('none of the routes is in the OpenAPI document', async () => {
    const { status, body } = await get('/openapi.json', {});
    assert.equal(status, 200);
    const paths = Object.keys(body.paths);
    assert.ok(paths.includes('/widgets'), paths.join(', '));
    assert.deepEqual(
      paths.filter((path) => path.startsWith('/jobs') || path.startsWith('/admin')),
      [],
    );
  });
});

describe('without JOBS_ADMIN_TOKEN the job routes and the board are absent', { timeout: 60_000 }, () => {
  let fixture: JobsAdminApp;
  /** Stands in for the jobs' Redis, counting who connects: with the feature off, nobody should. */
  const jobsRedis = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  let connections = 0;

  before(async () => {
    await new Promise<void>((resolve) => jobsRedis.listen(0, '127.0.0.1', resolve));
    const { port } = jobsRedis.address() as AddressInfo;
    fixture = await startJobsAdminApp({
      REDIS_URL: await emptyRedis(REDIS_DATABASE + 1),
      JOBS_REDIS_URL: `redis://127.0.0.1:${port}`,
    });
  });

  after(async () => {
    await fixture?.close();
    await new Promise((resolve) => jobsRedis.close(resolve));
  });

  test('404 as for a path nothing serves, whatever the request sends', async () => {
    const id = webhookJobId(SUBSCRIPTION, randomUUID());
    for (const [method, path] of [
      ['GET', `/jobs/${id}`],
      ['GET', '/jobs/dead'],
      ['POST', `/jobs/dead/${id}/replay`],
      ['GET', '/admin/queues'],
      ['GET', '/admin/queues/api/queues'],
    ]) {
      for (const headers of [{}, BEARER]) {
        const answer = await http(fixture.baseUrl, method, path, undefined, headers);
        assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
        assert.equal(answer.body.detail, UNKNOWN_ROUTE);
        assert.equal(answer.headers.get('www-authenticate'), null);
      }
    }
    assert.equal(connections, 0, 'the app connected to the jobs Redis');
  });
});

describe('a jobs Redis that does not answer costs a 503 in seconds', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let fixture: JobsAdminApp;
  let closed = false;

  before(async () => {
    redis = await startRedisServer();
    fixture = await startJobsAdminApp({
      REDIS_URL: await emptyRedis(REDIS_DATABASE + 1),
      JOBS_REDIS_URL: redis.url,
      JOBS_ADMIN_TOKEN: ADMIN_TOKEN,
    });
  });

  after(async () => {
    await redis?.stop();
    if (!closed) await fixture?.close();
  });

  async function timed(method: string, path: string) {
    const started = Date.now();
    const answer = await http(fixture.baseUrl, method, path, undefined, BEARER);
    return { ...answer, ms: Date.now() - started };
  }

  test('frozen (SIGSTOP): 503 with Retry-After from the routes and the board, and the app still closes', async () => {
    const id = webhookJobId(SUBSCRIPTION, randomUUID());
    assert.equal((await timed('GET', `/jobs/${id}`)).status, 404);
    redis.freeze();
    for (const [method, path] of [
      ['GET', `/jobs/${id}`],
      ['GET', '/jobs/dead'],
      ['POST', `/jobs/dead/${id}/replay`],
      ['GET', '/admin/queues/api/queues'],
    ]) {
      const answer = await timed(method, path);
      assert.equal(answer.status, 503, `${method} ${path}: ${answer.text}`);
      assert.ok(answer.ms < 5_000, `${method} ${path} took ${answer.ms} ms`);
      assert.equal(answer.body.status, 503);
    }
    assert.equal((await timed('GET', `/jobs/${id}`)).headers.get('retry-after'), '5');
    // The API's own routes never needed the jobs' Redis.
    assert.equal((await timed('GET', '/health/live')).status, 200);
    const closing = Date.now();
    closed = true;
    await fixture.close();
    assert.ok(Date.now() - closing < 10_000, `closing took ${Date.now() - closing} ms`);
  });

  test('nothing listening on the port: 503 too', async () => {
    const port = await freePort();
    const down = await startJobsAdminApp({
      REDIS_URL: await emptyRedis(REDIS_DATABASE + 1),
      JOBS_REDIS_URL: `redis://127.0.0.1:${port}`,
      JOBS_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    try {
      const started = Date.now();
      const answer = await http(
        down.baseUrl,
        'GET',
        `/jobs/${webhookJobId(SUBSCRIPTION, randomUUID())}`,
        undefined,
        BEARER,
      );
      assert.equal(answer.status, 503, answer.text);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await down.close();
    }
  });
});
