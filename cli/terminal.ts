// Moved to text/terminal.ts, below every renderer that uses it: this re-export keeps the old
// import path working until every importer has moved.
export * from "../text/terminal";
