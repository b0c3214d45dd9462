import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import * as platform from '../../../../../src/platform/metrics/metric-names';
import { needsBinary, PROMTOOL_BIN, promtool, tempDir } from '../../../../../test/support/prometheus-tools';
import { ruleQueries } from '../../../../../test/support/monitoring-queries';
import { type AlertRule, ALERT_THRESHOLDS, type RuleGroup } from './alert-rules';
import { MONITORING_PATHS } from './monitoring';
import { METRICS_PATH } from '../names';
import { monitoringFiles, SHOP_WITH_WEBHOOKS, writeTree } from './spec-support';

const JOB = 'shop';
const WORKER_JOB = 'shop-worker';
/** With webhooks: the API's rules and scrape, and the worker's (a service without webhooks has the API's alone). */
const files = monitoringFiles(SHOP_WITH_WEBHOOKS);
const alertsText = files.get(MONITORING_PATHS.alerts)!;
const groups = (parse(alertsText) as { groups: RuleGroup[] }).groups;
const rules = groups.flatMap((group) => group.rules);

/** An input series of a promtool rule test: a selector and values in promtool's expanding notation. */
interface Series {
  readonly series: string;
  readonly values: string;
}

interface AlertCase {
  readonly alert: string;
  readonly evalTime: string;
  /** Series that break the rule: the alert fires with these labels (besides severity and alertname). */
  readonly breaking: { readonly series: readonly Series[]; readonly labels: Record<string, string> };
  /** Healthy series, each set on its own: the alert stays silent. */
  readonly healthy: readonly (readonly Series[])[];
}

const selector = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;
const http = (suffix: string, labels: Record<string, string>) =>
  selector(`${platform.HTTP_REQUEST_DURATION.name}${suffix}`, {
    job: JOB,
    instance: 'api-1:3000',
    method: 'GET',
    route: '/widgets/:id',
    status_code: '200',
    ...labels,
  });
const bucket = (le: string, perMinute: number): Series => ({
  series: http('_bucket', { le }),
  values: `0+${perMinute}x40`,
});
const requests = (status: string, perMinute: number): Series => ({
  series: http('_count', { status_code: status }),
  values: `0+${perMinute}x40`,
});
const cache = (name: string, perMinute: number): Series => ({
  series: selector(name, { job: JOB, instance: 'api-1:3000', resource: 'widgets' }),
  values: `0+${perMinute}x40`,
});
const waiting = (values: string): Series => ({
  series: selector(platform.DB_POOL_WAITING.name, { job: JOB, instance: 'api-1:3000', connection: 'primary' }),
  values,
});
const started = (instance: string, values: string): Series => ({
  series: selector(platform.PROCESS_START_TIME.name, { job: JOB, instance }),
  values,
});
const hpa = (measure: string, replicas: number): Series => ({
  series: selector(`kube_horizontalpodautoscaler_${measure}`, { namespace: 'prod', horizontalpodautoscaler: JOB }),
  values: `${replicas}x40`,
});

const queueJobs = (queue: string, values: string): Series => ({
  series: selector(platform.QUEUE_JOBS.name, { job: WORKER_JOB, instance: 'worker-1:3001', queue, state: 'waiting' }),
  values,
});

/** Each alert, with series that break it and healthy series just on the other side of its threshold. */
const CASES: readonly AlertCase[] = [
  {
    alert: 'ApiLatencyP99High',
    evalTime: '20m',
    // Every request takes between 0.5 s and 1 s.
    breaking: { series: [bucket('0.25', 0), bucket('0.5', 0), bucket('1', 60), bucket('+Inf', 60)], labels: {} },
    // 98% under 0.25 s, the rest under 0.5 s: p99 inside the 0.25–0.5 bucket.
    healthy: [[bucket('0.25', 98), bucket('0.5', 100), bucket('1', 100), bucket('+Inf', 100)]],
  },
  {
    alert: 'ApiErrorRateHigh',
    evalTime: '20m',
    breaking: { series: [requests('200', 98), requests('500', 2)], labels: {} },
    healthy: [
      [requests('200', 199), requests('503', 1)],
      [requests('200', 100), requests('404', 50)],
    ],
  },
  {
    alert: 'CacheHitRateLow',
    evalTime: '30m',
    // 2 reads/s, half of them hits.
    breaking: {
      series: [cache(platform.CACHE_HITS.name, 60), cache(platform.CACHE_MISSES.name, 60)],
      labels: { resource: 'widgets' },
    },
    healthy: [
      // 95% hits.
      [cache(platform.CACHE_HITS.name, 114), cache(platform.CACHE_MISSES.name, 6)],
      // Half hits, but 0.2 reads/s: too quiet to judge.
      [cache(platform.CACHE_HITS.name, 6), cache(platform.CACHE_MISSES.name, 6)],
    ],
  },
  {
    alert: 'DatabasePoolWaiting',
    evalTime: '20m',
    breaking: { series: [waiting('3x40')], labels: { connection: 'primary' } },
    // A burst that queued for one scrape.
    healthy: [[waiting('0x10 4 0x29')], [waiting('0x40')]],
  },
  {
    alert: 'ApiRestarting',
    evalTime: '10m',
    // Started again every two minutes.
    breaking: {
      series: [started('api-1:3000', '100 100 220 220 340 340 460 460 580 580 700 700 820 820 940 940')],
      labels: { job: JOB, instance: 'api-1:3000' },
    },
    healthy: [
      // Restarted once.
      [started('api-1:3000', '100x5 400x10')],
      // A rolling deploy: one instance ends, a new one begins.
      [started('api-1:3000', '100x5'), started('api-2:3000', '_x5 400x10')],
    ],
  },
  {
    alert: 'ApiReplicasAtMaximum',
    evalTime: '20m',
    breaking: {
      series: [hpa('status_current_replicas', 10), hpa('spec_max_replicas', 10)],
      labels: { namespace: 'prod', horizontalpodautoscaler: JOB },
    },
    healthy: [[hpa('status_current_replicas', 6), hpa('spec_max_replicas', 10)]],
  },
  {
    alert: 'WebhookDeadLetters',
    evalTime: '20m',
    breaking: { series: [queueJobs('webhooks-dead', '2x40')], labels: {} },
    healthy: [
      [queueJobs('webhooks-dead', '0x40')],
      // A dead letter replayed within minutes.
      [queueJobs('webhooks-dead', '0x5 1x5 0x30')],
      // A backlog of deliveries still to try is not a dead letter.
      [queueJobs('webhooks', '50x40'), queueJobs('webhooks-dead', '0x40')],
    ],
  },
];

/** The annotations Prometheus renders for `rule` with these labels; rules template `$labels` only. */
function expandAnnotations(rule: AlertRule, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(rule.annotations).map(([key, template]) => {
      const text = template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => labels[label] ?? '');
      assert.ok(!text.includes('{{'), `${rule.alert} ${key}: only {{ $labels.<name> }} templates: ${template}`);
      return [key, text];
    }),
  );
}

function ruleTests(rulesFile: string): object {
  const ruleOf = (alert: string) => rules.find((rule) => rule.alert === alert)!;
  const scenario = (input: readonly Series[], check: object) => ({
    interval: '1m',
    input_series: input,
    alert_rule_test: [check],
  });
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: CASES.flatMap(({ alert, evalTime, breaking, healthy }) => {
      const labels = { ...breaking.labels, severity: ruleOf(alert).labels.severity };
      const firing = {
        eval_time: evalTime,
        alertname: alert,
        exp_alerts: [{ exp_labels: labels, exp_annotations: expandAnnotations(ruleOf(alert), labels) }],
      };
      const silent = { eval_time: evalTime, alertname: alert, exp_alerts: [] };
      return [scenario(breaking.series, firing), ...healthy.map((series) => scenario(series, silent))];
    }),
  };
}

describe(
  'Prometheus configuration and alert rules, checked by promtool',
  needsBinary(PROMTOOL_BIN, 'prometheus'),
  () => {
    const dir = tempDir('apso-promtool');
    const monitoring = (path: string) => join(dir.path, path);
    before(() => writeTree(dir.path, files));
    after(() => dir.remove());

    test('promtool check config accepts prometheus.yml and the rule file it names', () => {
      const result = promtool(['check', 'config', monitoring(MONITORING_PATHS.prometheusConfig)]);
      assert.equal(result.status, 0, result.output);
      assert.match(result.output, /SUCCESS: 1 rule files found/);
    });

    test('promtool check rules accepts alerts.yml, and refuses it with one broken expression', () => {
      const result = promtool(['check', 'rules', monitoring(MONITORING_PATHS.alerts)]);
      assert.equal(result.status, 0, result.output);
      assert.match(result.output, new RegExp(`SUCCESS: ${rules.length} rules found`));

      const broken = monitoring('broken-alerts.yml');
      writeFileSync(
        broken,
        alertsText.replace('histogram_quantile(0.99, sum by (le)', 'histogram_quantile(0.99, sum by (le'),
      );
      const refused = promtool(['check', 'rules', broken]);
      assert.notEqual(refused.status, 0, refused.output);
      assert.match(refused.output, /ApiLatencyP99High|parse error/);
    });

    test('every alert has a rule test', () => {
      assert.deepEqual(CASES.map((c) => c.alert).sort(), rules.map((rule) => rule.alert).sort());
    });

    test('promtool test rules: each alert fires on series that break it and stays silent on healthy ones', () => {
      const testFile = monitoring('alerts.test.yml');
      writeFileSync(testFile, stringify(ruleTests(monitoring(MONITORING_PATHS.alerts))));
      const result = promtool(['test', 'rules', testFile]);
      assert.equal(result.status, 0, result.output);
    });

    test('a rule with a typo in a metric name fails its rule test', () => {
      const typo = monitoring('typo-alerts.yml');
      const name = platform.HTTP_REQUEST_DURATION.name;
      writeFileSync(
        typo,
        alertsText.replace(`${name}_count{job="${JOB}",status_code`, `${name}_cuont{job="${JOB}",status_code`),
      );
      assert.notEqual(readFileSync(typo, 'utf8'), alertsText);
      const testFile = monitoring('typo.test.yml');
      writeFileSync(testFile, stringify(ruleTests(typo)));
      const result = promtool(['test', 'rules', testFile]);
      assert.notEqual(result.status, 0, 'the typo went unnoticed');
      assert.match(result.output, /ApiErrorRateHigh/);
    });

    test('alerts are grouped with the Kubernetes-only rule apart, each with for, severity, summary and description', () => {
      assert.deepEqual(
        groups.map((group) => [group.name, group.rules.map((rule) => rule.alert)]),
        [
          [
            'shop-api',
            ['ApiLatencyP99High', 'ApiErrorRateHigh', 'CacheHitRateLow', 'DatabasePoolWaiting', 'ApiRestarting'],
          ],
          ['shop-kubernetes', ['ApiReplicasAtMaximum']],
          ['shop-worker', ['WebhookDeadLetters']],
        ],
      );
      for (const rule of rules) {
        assert.match(rule.for, /^\d+m$/, rule.alert);
        assert.ok(['warning', 'critical'].includes(rule.labels.severity), rule.alert);
        assert.ok(rule.annotations.summary && rule.annotations.description, rule.alert);
      }
      assert.equal(ALERT_THRESHOLDS.errorRatio, 0.01);
      assert.equal(ALERT_THRESHOLDS.cacheHitRatio, 0.8);
    });
  },
);

describe('prometheus.yml', () => {
  const config = parse(files.get(MONITORING_PATHS.prometheusConfig)!) as {
    rule_files: string[];
    scrape_configs: { job_name: string; metrics_path: string; dns_sd_configs: object[] }[];
  };

  test('scrapes every replica of the compose service api on the platform metrics path, as the job the queries select', () => {
    const api = {
      job_name: JOB,
      metrics_path: platform.METRICS_PATH,
      dns_sd_configs: [{ names: ['api'], type: 'A', port: 3000, refresh_interval: '30s' }],
    };
    assert.deepEqual(config.rule_files, ['alerts.yml']);
    assert.deepEqual(config.scrape_configs, [
      api,
      {
        job_name: WORKER_JOB,
        metrics_path: platform.METRICS_PATH,
        dns_sd_configs: [{ names: ['worker'], type: 'A', port: 3001, refresh_interval: '30s' }],
      },
    ]);
    const withoutWebhooks = parse(monitoringFiles().get(MONITORING_PATHS.prometheusConfig)!) as typeof config;
    assert.deepEqual(withoutWebhooks.scrape_configs, [api]);
    assert.equal(METRICS_PATH, platform.METRICS_PATH);
    for (const { expr, alert, group } of ruleQueries(alertsText).filter((rule) => !rule.group.endsWith('kubernetes')))
      assert.match(expr, new RegExp(`\\{job="${group.endsWith('worker') ? WORKER_JOB : JOB}"`), alert);
  });
});
