import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import { EVENTS_RELAYED, WEBHOOK_DELIVERY_ATTEMPTS, WEBHOOK_DELIVERY_DURATION } from './metric-names';

/**
 * The worker's own metrics (src/platform/jobs/worker.module.ts), injectable with `@InjectMetric(NAME.name)`.
 * Not in MetricsModule: the API process never moves events or delivers webhooks, so it does not export them.
 * QUEUE_JOBS is read at scrape time from the queues, so the worker module builds it next to them.
 */
export const WORKER_METRIC_PROVIDERS = [
  makeCounterProvider({ ...EVENTS_RELAYED, labelNames: [...EVENTS_RELAYED.labelNames] }),
  makeCounterProvider({ ...WEBHOOK_DELIVERY_ATTEMPTS, labelNames: [...WEBHOOK_DELIVERY_ATTEMPTS.labelNames] }),
  makeHistogramProvider({ ...WEBHOOK_DELIVERY_DURATION, labelNames: [...WEBHOOK_DELIVERY_DURATION.labelNames] }),
];
