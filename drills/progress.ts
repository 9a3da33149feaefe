import { wrap } from "../cli/layout";
import { DEFAULT_WIDTH } from "../cli/terminal";
import type { EngineEvent } from "./engine";

/**
 * Progress on stderr: on a terminal, one live line with the running step and its elapsed time;
 * otherwise (CI logs, files, simulation) plain lines, one per step start/end and per state change.
 * Lines fit `width`: plain lines wrap under their text, the live line is cut short.
 */

export interface ProgressOptions {
  readonly tty: boolean;
  /** Elapsed time comes from the engine's clock (virtual in a simulation), not from a timer. */
  readonly live: boolean;
  /** Columns of stderr (cli/terminal.ts). @default 120 */
  readonly width?: number;
}

export interface Progress {
  readonly onEvent: (event: EngineEvent) => void;
  readonly stop: () => void;
}

const mark = { done: "ok", skipped: "skip", failed: "FAIL", "not-run": "-" } as const;

export function progressReporter(write: (text: string) => void, opts: ProgressOptions): Progress {
  let timer: NodeJS.Timeout | undefined;
  const lastObserved = new Map<string, string>();
  // Steps run side by side (the promotions): the live line shows every running one.
  const running = new Map<string, { label: string; started: number }>();
  const live = opts.tty && opts.live;
  const width = opts.width ?? DEFAULT_WIDTH;
  // A plain line: "T+30s   text", wrapped with its continuation under the text.
  const line = (prefix: string, text: string, indent = prefix.length + 2) => `${wrap(text, width, prefix, " ".repeat(indent)).join("\n")}\n`;
  // The live line is redrawn with \r: it must stay on one terminal line.
  const clip = (text: string) => ([...text].length < width ? text : `${[...text].slice(0, width - 2).join("")}…`);
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const draw = () => {
    const parts = [...running.values()].map((r) => `${r.label} ... ${Math.round((Date.now() - r.started) / 1000)} s`);
    if (parts.length > 0) write(`\r\x1b[K${clip(parts.join(" | "))}`);
  };
  const onEvent = (e: EngineEvent) => {
    if (e.type === "start") {
      const label = `[${e.index + 1}/${e.total}] ${e.step.title}`;
      lastObserved.delete(e.step.id);
      if (live) {
        running.set(e.step.id, { label, started: Date.now() });
        draw();
        if (!timer) {
          timer = setInterval(draw, 1000);
          timer.unref();
        }
      } else {
        write(line(`T+${Math.round(e.atSeconds)}s `, `${label}: started`));
      }
    } else if (e.type === "observe") {
      if (e.observed === lastObserved.get(e.step.id)) return;
      lastObserved.set(e.step.id, e.observed);
      if (!live) write(line(`T+${Math.round(e.atSeconds)}s   `, e.observed));
    } else if (e.type === "compensate") {
      const text = `compensate ${e.record.step}: ${e.record.status === "failed" ? "FAILED " : ""}${e.record.detail}`;
      write(live ? `\r\x1b[K${line("", text, 4)}` : line(`T+${Math.round(e.atSeconds)}s `, text));
    } else {
      const r = e.record;
      running.delete(r.id);
      if (running.size === 0) stopTimer();
      const text = `[${e.index + 1}/${e.total}] ${r.title}: ${r.status === "done" && r.incomplete ? `INCOMPLETE: ${r.incomplete}` : mark[r.status]} (${Math.round(r.endSeconds - r.startSeconds)} s)${r.error ? ` ${r.error}` : ""}`;
      write(live ? `\r\x1b[K${line("", text, 4)}` : line(`T+${Math.round(r.endSeconds)}s `, text));
      if (live) draw();
    }
  };
  return { onEvent, stop: stopTimer };
}
