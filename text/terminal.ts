/**
 * How wide the text output may be. Renderers never read the environment: the commands call
 * `terminalWidth` once per stream and pass the result down as `{ width }`.
 *
 * - `COLUMNS` (a positive integer) wins: it is how a user or a script asks for a width;
 * - else a terminal's own width, when the stream is a TTY;
 * - else 120 columns (pipes, files, CI logs).
 *
 * Widths under 40 are raised to 40: tables cannot degrade further in a useful way.
 */

export const DEFAULT_WIDTH = 120;
export const MIN_WIDTH = 40;

export interface WidthSource {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export function terminalWidth(stream?: WidthSource, env: NodeJS.ProcessEnv = process.env): number {
  const columns = env.COLUMNS?.trim();
  if (columns && /^\d+$/.test(columns) && Number(columns) > 0) return Math.max(MIN_WIDTH, Number(columns));
  if (stream?.isTTY && typeof stream.columns === "number" && stream.columns > 0) return Math.max(MIN_WIDTH, stream.columns);
  return DEFAULT_WIDTH;
}
