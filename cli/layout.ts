// Moved to text/layout.ts, below every renderer that uses it (analysis, drills, policies, graph):
// this re-export keeps the old import path working until every importer has moved.
export * from "../text/layout";
