/**
 * A worker process for the tests (test/platform/webhook-worker.spec.ts): bootstrapWorker with no entities
 * and one subscription to every Project event, its URL and secret in WEBHOOK_TEST_URL and
 * WEBHOOK_TEST_SECRET, its delivery settings from TEST_WEBHOOK_* variables. Run with `node --import tsx`.
 */
import { bootstrapWorker } from '../../src/platform/jobs/worker-bootstrap';

const setting = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

void bootstrapWorker(
  { entities: [], migrations: [] },
  {
    webhooks: [
      {
        name: 'test',
        events: ['Project.created', 'Project.updated', 'Project.deleted'],
        urlVariable: 'WEBHOOK_TEST_URL',
        secretVariable: 'WEBHOOK_TEST_SECRET',
      },
    ],
    attempts: setting('TEST_WEBHOOK_ATTEMPTS', 5),
    backoffMs: setting('TEST_WEBHOOK_BACKOFF_MS', 100),
    maxBackoffMs: setting('TEST_WEBHOOK_MAX_BACKOFF_MS', 1_000),
    timeoutMs: setting('TEST_WEBHOOK_TIMEOUT_MS', 5_000),
    concurrency: setting('TEST_WEBHOOK_CONCURRENCY', 20),
    keepCompleted: { ageSeconds: 3_600, count: 10_000 },
    keepFailed: { ageSeconds: 3_600, count: 10_000 },
  },
);
