import type { ResourceGraph } from "./model";

/**
 * `compute(graph)`, once per graph: the index a rule or an analysis builds over a whole graph is
 * shared by every later question about the same graph (and dropped with it).
 */
export function perGraph<T>(compute: (graph: ResourceGraph) => T): (graph: ResourceGraph) => T {
  const memo = new WeakMap<ResourceGraph, T>();
  return (graph) => {
    if (memo.has(graph)) return memo.get(graph) as T;
    const value = compute(graph);
    memo.set(graph, value);
    return value;
  };
}
