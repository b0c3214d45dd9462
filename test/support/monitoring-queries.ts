import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One query of a dashboard panel, as the generated dashboard JSON holds it. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

/** One alerting rule of a rule file. */
export interface RuleQuery {
  readonly group: string;
  readonly alert: string;
  readonly expr: string;
}

interface DashboardJson {
  readonly title: string;
  readonly panels: readonly { type: string; title: string; targets?: { refId: string; expr: string }[] }[];
}

/** Every panel query of every dashboard JSON file in `dir` (rows hold none). */
export function dashboardQueries(dir: string): PanelQuery[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => panelQueries(JSON.parse(readFileSync(join(dir, name), 'utf8')) as DashboardJson));
}

export function panelQueries(dashboard: DashboardJson): PanelQuery[] {
  return dashboard.panels
    .filter((panel) => panel.type !== 'row')
    .flatMap((panel) => {
      if (!panel.targets?.length) throw new Error(`panel "${panel.title}" has no query`);
      return panel.targets.map((target) => ({
        dashboard: dashboard.title,
        panel: panel.title,
        refId: target.refId,
        expr: target.expr,
      }));
    });
}

/** Every alerting rule of a Prometheus rule file's text. */
export function ruleQueries(rulesYaml: string): RuleQuery[] {
  const { groups } = parse(rulesYaml) as { groups: { name: string; rules: { alert: string; expr: string }[] }[] };
  return groups.flatMap((group) =>
    group.rules.map((rule) => ({ group: group.name, alert: rule.alert, expr: rule.expr })),
  );
}

/**
 * Grafana's built-in interval variables, as Grafana replaces them before a query reaches Prometheus.
 * Only these: any other `$` left in an expression is a mistake and fails to parse.
 */
export function withGrafanaIntervals(expr: string, rateInterval: string): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$__interval', rateInterval);
}
