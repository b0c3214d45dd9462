/*
 * The schema states resources as Kubernetes quantities (250m, 1, 512Mi, 1.5Gi, 500M); compose wants
 * `cpus` as a number of CPUs and `memory` as a byte value whose units (b, k, m, g) are powers of 1024.
 */

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

function quantityValue(quantity: string): number {
  const match = QUANTITY.exec(quantity);
  if (!match) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(quantity)}`);
  return Number(match[1]) * MULTIPLIERS[match[2] ?? ''];
}

/** CPUs as compose writes them: 250m → "0.25", 1 → "1", 1.5 → "1.5" (millicores are the finest step). */
export function composeCpus(quantity: string): string {
  const millicores = Math.ceil(Math.round(quantityValue(quantity) * 1e6) / 1e3);
  return String(millicores / 1000);
}

const COMPOSE_UNITS: readonly (readonly [string, number])[] = [
  ['g', 1024 ** 3],
  ['m', 1024 ** 2],
  ['k', 1024],
];

/**
 * Bytes in the largest compose unit that holds them exactly: 512Mi → "512m", 1Gi → "1g", 1.5Gi →
 * "1536m", 500M → "500000000b". A fraction of a byte (Kubernetes allows 0.5) rounds up.
 */
export function composeMemory(quantity: string): string {
  const bytes = Math.ceil(quantityValue(quantity));
  const unit = COMPOSE_UNITS.find(([, size]) => bytes % size === 0 && bytes >= size);
  return unit ? `${bytes / unit[1]}${unit[0]}` : `${bytes}b`;
}
