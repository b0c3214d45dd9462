import { http } from './http';

/** The value of one sample line of /metrics, e.g. `cache_hits_total{resource="widgets"}`; 0 if absent. */
export async function metricValue(baseUrl: string, sample: string): Promise<number> {
  const { text } = await http(baseUrl, 'GET', '/metrics');
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
