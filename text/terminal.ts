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

export interface StatusStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): unknown;
}

/**
 * A one-line "what is happening" on a terminal for work slower than `afterMs` (a second): nothing
 * on a pipe or in CI logs (the stream is not a TTY), nothing for quick runs. The first stage shows
 * once `afterMs` has passed (a timer, for async work such as planning); a later stage replaces it
 * at once when the run is already slow (synchronous work gives a timer no chance to fire).
 * `done()` erases the line before the real output is printed.
 */
export function slowStatus(stream: StatusStream, prefix: string, afterMs = 1000, now: () => number = Date.now) {
  const enabled = !!stream.isTTY;
  const started = now();
  let current = "";
  let shown = false;
  let timer: NodeJS.Timeout | undefined;
  const width = Math.max(MIN_WIDTH, stream.columns && stream.columns > 0 ? stream.columns : DEFAULT_WIDTH) - 1;
  const show = () => {
    const line = [...`${prefix}: ${current}...`].slice(0, width).join("");
    stream.write(`\r\x1b[K${line}`);
    shown = true;
  };
  return {
    stage(text: string): void {
      current = text;
      if (!enabled) return;
      if (shown || now() - started >= afterMs) show();
      else if (!timer) {
        timer = setTimeout(show, Math.max(0, afterMs - (now() - started)));
        timer.unref();
      }
    },
    done(): void {
      if (timer) clearTimeout(timer);
      if (shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}
