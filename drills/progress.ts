import type { EngineEvent } from "./engine";

/**
 * Progress on stderr: on a terminal, one live line with the running step and its elapsed time;
 * otherwise (CI logs, files, simulation) plain lines, one per step start/end and per state change.
 */

export interface ProgressOptions {
  readonly tty: boolean;
  /** Elapsed time comes from the engine's clock (virtual in a simulation), not from a timer. */
  readonly live: boolean;
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
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const draw = () => {
    const parts = [...running.values()].map((r) => `${r.label} ... ${Math.round((Date.now() - r.started) / 1000)} s`);
    if (parts.length > 0) write(`\r\x1b[K${parts.join(" | ")}`);
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
        write(`T+${Math.round(e.atSeconds)}s ${label}: started\n`);
      }
    } else if (e.type === "observe") {
      if (e.observed === lastObserved.get(e.step.id)) return;
      lastObserved.set(e.step.id, e.observed);
      if (!live) write(`T+${Math.round(e.atSeconds)}s   ${e.observed}\n`);
    } else if (e.type === "compensate") {
      write(`${live ? "\r\x1b[K" : `T+${Math.round(e.atSeconds)}s `}compensate ${e.record.step}: ${e.record.status === "failed" ? "FAILED " : ""}${e.record.detail}\n`);
    } else {
      const r = e.record;
      running.delete(r.id);
      if (running.size === 0) stopTimer();
      const line = `[${e.index + 1}/${e.total}] ${r.title}: ${mark[r.status]} (${Math.round(r.endSeconds - r.startSeconds)} s)${r.error ? ` ${r.error}` : ""}`;
      write(live ? `\r\x1b[K${line}\n` : `T+${Math.round(r.endSeconds)}s ${line}\n`);
      if (live) draw();
    }
  };
  return { onEvent, stop: stopTimer };
}
