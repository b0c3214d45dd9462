import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { bootExampleBackend, type ExampleBackend } from '../support/example-backend';
import { eventually } from '../support/services';
import { dashboardQueries, type PanelQuery, ruleQueries, withGrafanaIntervals } from '../support/monitoring-queries';
import { needsBinary, PROMETHEUS_BIN, type RunningPrometheus, startPrometheus } from '../support/prometheus-tools';
import { REPO_ROOT } from '../support/repository';

/*
 * ★ The generated dashboards and alerts, against a real Prometheus scraping this repository's generated
 * API: every expression they hold must parse, and every panel must show data once the API has served
 * traffic. The expressions are read from the generated files (monitoring/), not from the generator.
 */

const REDIS_DATABASE = 12;
const MONITORING = join(REPO_ROOT, 'monitoring');
const PROMETHEUS_CONFIG = readFileSync(join(MONITORING, 'prometheus', 'prometheus.yml'), 'utf8');
const ALERTS = readFileSync(join(MONITORING, 'prometheus', 'alerts.yml'), 'utf8');
const PANEL_QUERIES = dashboardQueries(join(MONITORING, 'grafana', 'dashboards'));
/** Grafana's `$__rate_interval` here: at a 1 s scrape interval, a minute holds every sample of the run. */
const RATE_INTERVAL = '1m';

/** Panels that read kube-state-metrics, which only a Kubernetes cluster exports: they must parse, nothing more. */
const NEEDS_KUBE_STATE_METRICS = new Set(['Replicas and autoscaler bounds']);
/** Alerts on kube-state-metrics' series, for the same reason: their metrics are not checked for series. */
const ALERTS_ON_KUBE_STATE_METRICS = new Set(['ApiReplicasAtMaximum']);
/**
 * The webhook worker's panels and alert (job `<service>-worker`): this Prometheus scrapes the API only,
 * so they must parse, nothing more; the worker's own specs check its metrics.
 */
const WORKER_JOB = /job="[^"]+-worker"/;
const readsWorker = (expr: string) => WORKER_JOB.test(expr);

interface Findings {
  /** Expressions Prometheus refused, with its error. */
  readonly refused: string[];
  /** Panel queries that parsed but returned no series. */
  readonly empty: string[];
  readonly withData: number;
}

/** The metrics an expression selects: each name written right before a `{` matcher. */
const selectedMetrics = (expr: string) => [
  ...new Set([...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1])),
];

/**
 * Runs each panel query as Grafana would send it, and asks for each metric it names: a panel that
 * reads 0 through `or … * 0` would hide a misspelt metric on the left of the `or`. A query of an
 * exempt panel need only parse.
 */
async function checkPanels(prometheus: RunningPrometheus, queries: readonly PanelQuery[]): Promise<Findings> {
  const refused: string[] = [];
  const empty: string[] = [];
  let withData = 0;
  for (const query of queries) {
    const name = `${query.panel} ${query.refId}: ${query.expr}`;
    const answer = await prometheus.query(withGrafanaIntervals(query.expr, RATE_INTERVAL));
    if (answer.status !== 'success') {
      refused.push(`${name} → ${answer.error}`);
      continue;
    }
    if (NEEDS_KUBE_STATE_METRICS.has(query.panel) || readsWorker(query.expr)) continue;
    const missing = [];
    for (const metric of selectedMetrics(query.expr))
      if (!(await prometheus.query(`count(${metric})`)).data?.result.length) missing.push(metric);
    if (answer.data!.result.length === 0) empty.push(name);
    else if (missing.length > 0) empty.push(`${name} (no series of ${missing.join(', ')})`);
    else withData++;
  }
  return { refused, empty, withData };
}

/** The generated scrape configuration, with only its target changed: the test's API instead of compose's `api`. */
function scrapeConfigFor(target: string): object {
  const generated = parse(PROMETHEUS_CONFIG) as { scrape_configs: Record<string, unknown>[] } & Record<string, unknown>;
  // The API's job first; the worker's (the schema has webhooks) is not scraped here.
  assert.ok(generated.scrape_configs.length >= 1);
  const { dns_sd_configs, ...job } = generated.scrape_configs[0];
  assert.ok(dns_sd_configs, 'the generated job discovers the API by DNS');
  return {
    ...generated,
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [{ ...job, static_configs: [{ targets: [target] }] }],
  };
}

describe(
  'dashboards and alerts on a real Prometheus scraping the generated API',
  needsBinary(PROMETHEUS_BIN, 'prometheus'),
  () => {
    let backend: ExampleBackend;
    let prometheus: RunningPrometheus;
    const job = () =>
      (parse(PROMETHEUS_CONFIG) as { scrape_configs: { job_name: string }[] }).scrape_configs[0].job_name;

    before(async () => {
      backend = await bootExampleBackend('apso_prometheus', REDIS_DATABASE);
      prometheus = await startPrometheus(scrapeConfigFor(new URL(backend.app.baseUrl).host), { 'alerts.yml': ALERTS });
      /** Whether Prometheus scraped the API `count` times since `since` (ms). */
      const scrapedSince = (since: number, count: number) => async () => {
        const seconds = Math.ceil((Date.now() - since) / 1000);
        const answer = await prometheus.query(`count_over_time(up{job="${job()}"}[${seconds}s])`);
        const sample = answer.data?.result[0] as { value: [number, string] } | undefined;
        return sample !== undefined && Number(sample.value[1]) >= count;
      };
      // Twice, with a scrape between: a counter's first sample carries no increase for rate() to see.
      // (The first scrape may come seconds after start: Prometheus applies discovered targets every 5 s.)
      await driveTraffic(backend, 1);
      const firstRound = Date.now();
      assert.ok(await eventually(scrapedSince(firstRound, 1), 20_000), `no scrape:\n${prometheus.output()}`);
      await driveTraffic(backend, 2);
      // Two scrapes after the last request, so every rate has two samples that saw it.
      const secondRound = Date.now();
      assert.ok(await eventually(scrapedSince(secondRound, 2), 20_000), `no scrape:\n${prometheus.output()}`);
    });

    after(async () => {
      await prometheus?.stop();
      await backend?.stop();
    });

    test('every dashboard panel query parses and returns data (kube-state-metrics panels: parse only)', async (t) => {
      assert.ok(PANEL_QUERIES.length >= 20, `only ${PANEL_QUERIES.length} panel queries`);
      const findings = await checkPanels(prometheus, PANEL_QUERIES);
      assert.deepEqual(findings.refused, []);
      assert.deepEqual(findings.empty, []);
      const panels = new Set(PANEL_QUERIES.map((query) => query.panel));
      const exempt = PANEL_QUERIES.filter(
        (query) => NEEDS_KUBE_STATE_METRICS.has(query.panel) || readsWorker(query.expr),
      ).length;
      assert.equal(findings.withData, PANEL_QUERIES.length - exempt);
      t.diagnostic(
        `${PANEL_QUERIES.length} panel queries in ${panels.size} panels: ${findings.withData} returned data, ${exempt} (kube-state-metrics, the worker's) parsed only`,
      );
    });

    test('the panels show what the traffic did: routes, 4xx, both connections, a warm cache', async () => {
      const series = async (panel: string, refId = 'A') => {
        const query = PANEL_QUERIES.find((candidate) => candidate.panel === panel && candidate.refId === refId)!;
        const answer = await prometheus.query(withGrafanaIntervals(query.expr, RATE_INTERVAL));
        return answer.data!.result as { metric: Record<string, string>; value: [number, string] }[];
      };
      const routes = (await series('Request rate by route')).map(({ metric }) => `${metric.method} ${metric.route}`);
      for (const route of ['POST /organizations', 'GET /organizations/:id', 'GET /organizations'])
        assert.ok(routes.includes(route), `${route} in ${routes.join(', ')}`);
      const clientErrors = await series('Error ratio by route', 'B');
      const rejected = clientErrors.filter(
        ({ metric }) => metric.method === 'POST' && metric.route === '/organizations',
      );
      assert.ok(Number(rejected[0]?.value[1]) > 0, `the 400 shows in the 4xx ratio: ${JSON.stringify(clientErrors)}`);
      const connections = (await series('Queries by connection')).map(({ metric }) => metric.connection).sort();
      assert.deepEqual(connections, ['primary', 'replica']);
      const poolSizes = (await series('Pool connections in use and waiting', 'B')).map(({ value }) => Number(value[1]));
      assert.deepEqual(poolSizes, [10, 10]);
      const [organizations] = (await series('Cache hit ratio by resource')).filter(
        ({ metric }) => metric.resource === 'organizations',
      );
      assert.ok(Number(organizations?.value[1]) >= 0.5, `hit ratio ${organizations?.value[1]}`);
    });

    test('every alert expression parses, and Prometheus evaluates every loaded rule without error', async (t) => {
      const rules = ruleQueries(ALERTS);
      for (const rule of rules) {
        const answer = await prometheus.query(rule.expr);
        assert.equal(answer.status, 'success', `${rule.alert}: ${answer.error}`);
        if (ALERTS_ON_KUBE_STATE_METRICS.has(rule.alert) || readsWorker(rule.expr)) continue;
        // Alerts answer nothing while healthy, so a misspelt metric would go unseen: each must have series.
        for (const metric of selectedMetrics(rule.expr))
          assert.ok((await prometheus.query(`count(${metric})`)).data?.result.length, `${rule.alert}: no ${metric}`);
      }
      const evaluated = async () => {
        const response = await fetch(`${prometheus.url}/api/v1/rules`);
        const { data } = (await response.json()) as { data: { groups: { rules: { health: string }[] }[] } };
        const health = data.groups.flatMap((group) => group.rules.map((rule) => rule.health));
        return health.length === rules.length && health.every((state) => state === 'ok');
      };
      assert.ok(await eventually(evaluated, 10_000), 'every rule evaluated with health ok');
      t.diagnostic(`${rules.length} alert expressions parsed and evaluated; the metrics of the API's have series`);
    });

    test('a panel with a typo in a metric name fails the check, even where `or … * 0` would still show a line', async () => {
      const [first] = PANEL_QUERIES;
      const typo = {
        ...first,
        expr: first.expr.replace('http_request_duration_seconds', 'http_request_duration_secnods'),
      };
      const ratio = PANEL_QUERIES.find((query) => query.panel === 'Cache hit ratio by resource')!;
      const maskedTypo = { ...ratio, expr: ratio.expr.replace('cache_hits_total', 'cache_hist_total') };
      const broken = { ...first, expr: first.expr.replace('rate(', 'rate((') };
      for (const mangled of [typo, maskedTypo, broken]) assert.notEqual(mangled.expr, first.expr);
      // The masked typo still answers: only the metric check catches it.
      assert.ok((await prometheus.query(withGrafanaIntervals(maskedTypo.expr, RATE_INTERVAL))).data!.result.length > 0);

      const findings = await checkPanels(prometheus, [first, typo, maskedTypo, broken]);
      assert.equal(findings.withData, 1);
      assert.deepEqual(findings.empty, [
        `${typo.panel} ${typo.refId}: ${typo.expr}`,
        `${maskedTypo.panel} ${maskedTypo.refId}: ${maskedTypo.expr} (no series of cache_hist_total)`,
      ]);
      assert.equal(findings.refused.length, 1);
      assert.match(findings.refused[0], /parse error/);
    });
  },
);

/**
 * Creates, cached and uncached reads, lists, a 404 and a 400: enough to fill the request and query
 * histograms and to warm the cache of every resource read.
 */
async function driveTraffic(backend: ExampleBackend, round: number): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const created = await backend.send('POST', '/organizations', {
      name: `Org ${round}.${i}`,
      slug: `org-${round}-${i}`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    ids.push((created.body as { id: string }).id);
  }
  for (const id of ids) {
    const hit = async () => (await backend.send('GET', `/organizations/${id}`)).headers.get('x-cache') === 'HIT';
    assert.ok(await eventually(hit), `GET /organizations/${id} is served from the cache`);
    for (let i = 0; i < 3; i++) assert.equal((await backend.send('GET', `/organizations/${id}`)).status, 200);
  }
  for (let i = 0; i < 3; i++) assert.equal((await backend.send('GET', '/organizations?limit=2')).status, 200);
  const missing = await backend.send('GET', '/organizations/00000000-0000-4000-8000-000000000000');
  assert.equal(missing.status, 404);
  const invalid = await backend.send('POST', '/organizations', { name: 42 });
  assert.equal(invalid.status, 400);
}
