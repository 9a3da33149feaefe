import Table from "cli-table3";
import { DEFAULT_WIDTH } from "./terminal";

/**
 * Text layout for the terminal renderers, on cli-table3: tables that fit a width (columns shrink,
 * cells wrap on word boundaries, words longer than their column are broken), and paragraphs with
 * a hanging indent (a borderless two-column table). Pure: the width comes from the caller.
 */

export interface TextOptions {
  /** Columns the output may use (see cli/terminal.ts). @default 120 */
  readonly width?: number;
  /** Show the long evidence (full citations, settings, URNs) that is otherwise left to JSON and Markdown. */
  readonly verbose?: boolean;
}

export const widthOf = (o: TextOptions | undefined): number => o?.width ?? DEFAULT_WIDTH;

const NO_BORDER = {
  top: "", "top-mid": "", "top-left": "", "top-right": "",
  bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "",
  left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "",
};

const PLAIN = { head: [] as string[], border: [] as string[] };

function lineWidth(s: string): number {
  return Math.max(0, ...s.split("\n").map((l) => [...l].length));
}

function longestWord(s: string): number {
  return Math.max(0, ...s.split(/\s+/).map((w) => [...w].length));
}

/**
 * Column widths (padding included) that fit `width`, or undefined when the table fits as it is.
 * The widest column gives up a column at a time, down to the room its longest word needs
 * (`floors`); only when the words cannot fit either do columns shrink below that (cells then
 * break words). Narrow columns such as "100% / 100%" keep their width as long as possible.
 */
export function fitColumns(natural: number[], width: number, floors: number[] = []): number[] | undefined {
  const out = [...natural];
  let excess = out.reduce((a, b) => a + b, 0) + natural.length + 1 - width;
  if (excess <= 0) return undefined;
  const widest = (min: (i: number) => number) =>
    out.reduce((best, w, i) => (w > min(i) && (best < 0 || w > out[best]) ? i : best), -1);
  while (excess > 0) {
    let i = widest((k) => Math.max(3, floors[k] ?? 3));
    if (i < 0) i = widest(() => 3);
    if (i < 0) break;
    out[i]--;
    excess--;
  }
  return out;
}

/**
 * Words longer than `max` (URNs, ARNs, long names) split into pieces of at most `max`, after a
 * `:` `/` `.` `-` `$` `,` where one is near, so cli-table3 can wrap them like any other word.
 */
export function breakLongWords(text: string, max: number): string {
  if (max < 2) return text;
  const pieces = (word: string): string[] => {
    const out: string[] = [];
    let rest = word;
    while ([...rest].length > max) {
      const head = [...rest].slice(0, max).join("");
      const cut = Math.max(...[":", "/", ".", "-", "$", ","].map((c) => head.lastIndexOf(c)));
      const at = cut >= max / 2 ? cut + 1 : max;
      out.push([...rest].slice(0, at).join(""));
      rest = [...rest].slice(at).join("");
    }
    return [...out, rest];
  };
  return text
    .split("\n")
    .map((line) => line.split(/(\s+)/).map((w, i) => (i % 2 === 0 && [...w].length > max ? pieces(w).join("\n") : w)).join(""))
    .join("\n");
}

type Cell = string | { content: string; wordWrap?: boolean; wrapOnWordBoundary?: boolean };

/** A bordered table of `rows` (and `head`) no wider than `width`, cells wrapped as needed. */
export function drawTable(head: readonly string[] | undefined, rows: readonly (readonly string[])[], width = DEFAULT_WIDTH): string {
  const all = [...(head ? [head] : []), ...rows];
  const columns = Math.max(0, ...all.map((r) => r.length));
  const natural = Array.from({ length: columns }, (_, c) => Math.max(1, ...all.map((r) => lineWidth(r[c] ?? ""))) + 2);
  const floors = Array.from({ length: columns }, (_, c) => Math.max(1, ...all.map((r) => longestWord(r[c] ?? ""))) + 2);
  const colWidths = fitColumns(natural, width, floors);
  // A word longer than its column (a URN, an ARN) is broken rather than cut off.
  const cell = (text: string, c: number): Cell => (colWidths ? breakLongWords(text, colWidths[c] - 2) : text);
  const table = new Table({
    ...(head ? { head: head.map((h, c) => cell(h, c)) as string[] } : {}),
    style: PLAIN,
    ...(colWidths ? { colWidths, wordWrap: true } : {}),
  });
  rows.forEach((r) => table.push(r.map((t, c) => cell(t, c)) as string[]));
  return table.toString();
}

/**
 * A paragraph wrapped to `width`: the first line starts with `first`, the others with `rest`
 * (default: as many spaces), e.g. `wrap("note: ...", w, "  ")` or `wrap(text, w, "  - ", "    ")`.
 */
export function wrap(text: string, width = DEFAULT_WIDTH, first = "", rest = " ".repeat([...first].length)): string[] {
  const indent = Math.max([...first].length, [...rest].length);
  const body = Math.max(10, width - indent);
  if (lineWidth(text) <= body) return text.split("\n").map((l, i) => `${i === 0 ? first : rest}${l}`);
  const table = new Table({ chars: NO_BORDER, style: { ...PLAIN, "padding-left": 0, "padding-right": 0 }, colWidths: [body], wordWrap: true });
  table.push([breakLongWords(text, body)]);
  return table
    .toString()
    .split("\n")
    .map((l, i) => `${i === 0 ? first : rest}${l.trimEnd()}`);
}

/** `wrap`, kept to `lines` lines: the last one ends with an ellipsis when text was left out. */
export function wrapClipped(text: string, width = DEFAULT_WIDTH, first = "", rest = " ".repeat([...first].length), lines = 2): string[] {
  const all = wrap(text, width, first, rest);
  if (all.length <= lines) return all;
  const last = [...all[lines - 1]];
  return [...all.slice(0, lines - 1), `${last.slice(0, Math.min(last.length, width - 1)).join("")}…`];
}

/** `wrap` for many paragraphs, joined into lines. */
export function wrapAll(texts: readonly string[], width = DEFAULT_WIDTH, first = "", rest?: string): string[] {
  return texts.flatMap((t) => wrap(t, width, first, rest));
}

/**
 * Label/value lines ("verdict   FAIL ...") as a borderless two-column table: values wrap under
 * themselves, not under the labels.
 */
export function definitionList(items: readonly (readonly [string, string])[], width = DEFAULT_WIDTH, indent = "  "): string[] {
  if (items.length === 0) return [];
  const label = Math.max(...items.map(([k]) => [...k].length)) + 2;
  const body = Math.max(10, width - indent.length - label);
  const table = new Table({
    chars: NO_BORDER,
    style: { ...PLAIN, "padding-left": 0, "padding-right": 0 },
    colWidths: [label, body],
    wordWrap: true,
  });
  for (const [k, v] of items) table.push([{ content: k, wordWrap: false } as unknown as string, breakLongWords(v, body)]);
  return table
    .toString()
    .split("\n")
    .map((l) => `${indent}${l}`.trimEnd());
}

/** Splits a shell command at the spaces outside quotes. */
function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const ch of cmd) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (/\s/.test(ch)) {
      if (current) words.push(current);
      current = "";
    } else current += ch;
  }
  if (current) words.push(current);
  return words;
}

/**
 * A shell command that still pastes and runs after wrapping: breaks go between words, as ` \`
 * continuations; a single-quoted word too long for a line (a JSON change batch) is cut after a
 * comma into adjacent quoted pieces (`'...'\` newline `'...'`, which the shell joins back).
 * A trailing `   # comment` becomes a comment line above the command.
 */
export function shellCommand(line: string, width = DEFAULT_WIDTH, indent = "  "): string[] {
  const len = (x: string) => [...x].length;
  const m = /^(.*?)\s{2,}# (.*)$/.exec(line);
  const [cmd, comment] = m ? [m[1], m[2]] : [line, undefined];
  const out: string[] = comment ? wrap(`# ${comment}`, width, indent, `${indent}# `) : [];
  const continued = `${indent}    `;
  let current = indent;
  let empty = true;
  for (const word of shellWords(cmd)) {
    if (!empty && len(current) + 1 + len(word) + 2 > width) {
      out.push(`${current} \\`);
      current = continued;
      empty = true;
    }
    const sep = empty ? "" : " ";
    if (len(current) + len(sep) + len(word) > width && /^'.*'$/s.test(word)) {
      let rest = word.slice(1, -1);
      let head = `${current}${sep}`;
      while (rest.length > 0) {
        const space = Math.max(8, width - len(head) - 3);
        let cut = rest.length <= space ? rest.length : rest.lastIndexOf(",", space - 1) + 1;
        if (cut <= 0) cut = space;
        const chunk = rest.slice(0, cut);
        rest = rest.slice(cut);
        if (rest.length > 0) {
          out.push(`${head}'${chunk}'\\`);
          head = "";
        } else current = `${head}'${chunk}'`;
      }
    } else current = `${current}${sep}${word}`;
    empty = false;
  }
  if (!empty) out.push(current);
  return out;
}
