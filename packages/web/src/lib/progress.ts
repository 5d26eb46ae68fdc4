// Long operations (code generation, simulations, imports) in one shape for the progress bar:
// what is running, how far it is and roughly how long is left.

export type JobStatus = 'running' | 'done' | 'failed';

export type JobState = {
  status: JobStatus;
  /** Units done and the total, when the server reports them (codes, rows); absent = unknown. */
  done?: number;
  total?: number;
};

export type ProgressSample = { at: number; done: number };

export type ProgressView = {
  /** 0–1, or null while the total is unknown (an indeterminate bar). */
  fraction: number | null;
  /** Whole percent for the label (99 until it is really done). */
  percent: number | null;
  /** Seconds left at the rate seen so far; null until two samples show movement. */
  etaSeconds: number | null;
};

/**
 * Where a job stands. The rate comes from the first and the last sample, so a job that started
 * before the page opened (a series generating in the background) is timed from when we first saw
 * it, not from its creation.
 */
export function computeProgress(state: JobState, samples: readonly ProgressSample[]): ProgressView {
  if (state.status === 'done') return { fraction: 1, percent: 100, etaSeconds: 0 };
  const { done, total } = state;
  if (done === undefined || total === undefined || total <= 0) {
    return { fraction: null, percent: null, etaSeconds: null };
  }
  const fraction = Math.min(1, Math.max(0, done / total));
  // A bar at 100 % while the server still works (its last batch, a final write) reads as stuck.
  const percent = Math.min(Math.floor(fraction * 100), state.status === 'running' ? 99 : 100);
  const first = samples[0];
  const last = samples[samples.length - 1];
  let etaSeconds: number | null = null;
  if (state.status === 'running' && first && last && last.at > first.at && last.done > first.done) {
    const perMs = (last.done - first.done) / (last.at - first.at);
    etaSeconds = Math.max(0, Math.ceil((total - done) / perMs / 1000));
  }
  return { fraction, percent, etaSeconds };
}

/** Keeps the samples an ETA needs: the first one and the newest few (a bounded list). */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample, keep = 10) {
  const last = samples[samples.length - 1];
  if (last && last.done === sample.done && last.at <= sample.at) return samples;
  const next = [...samples, sample];
  if (next.length <= keep) return next;
  return [next[0] as ProgressSample, ...next.slice(next.length - keep + 1)];
}

/** "1 min 05 s" style parts for the label: minutes and seconds, or seconds alone. */
export function splitSeconds(seconds: number): { minutes: number; seconds: number } {
  const s = Math.max(0, Math.round(seconds));
  return { minutes: Math.floor(s / 60), seconds: s % 60 };
}
