/**
 * Every cycle in a directed graph given as edges, each reported once (as the edges along it, starting
 * with the first edge in input order that lies on it). Used for required foreign keys: a cycle of
 * them means no row could ever be inserted.
 */
export function edgeCycles<E, N>(edges: readonly E[], from: (edge: E) => N, to: (edge: E) => N): E[][] {
  const pathFrom = (node: N, goal: N, visited: Set<N>): E[] | undefined => {
    if (node === goal) return [];
    if (visited.has(node)) return undefined;
    visited.add(node);
    for (const edge of edges.filter((candidate) => from(candidate) === node)) {
      const rest = pathFrom(to(edge), goal, visited);
      if (rest) return [edge, ...rest];
    }
    return undefined;
  };
  const cycles = new Map<string, E[]>();
  for (const start of edges) {
    const rest = pathFrom(to(start), from(start), new Set());
    if (!rest) continue;
    const cycle = [start, ...rest];
    const key = cycle
      .map((edge) => edges.indexOf(edge))
      .sort((a, b) => a - b)
      .join(',');
    if (!cycles.has(key)) cycles.set(key, cycle);
  }
  return [...cycles.values()];
}
