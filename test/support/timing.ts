/** Polls `predicate` until it holds; fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Runs `act`, then calls `status` back to back until it stops answering 200; returns the
 * status it ended on and the milliseconds from the start of `act` (gives up after `timeoutMs`).
 */
export async function timeUntilRefused(act: () => Promise<unknown>, status: () => Promise<number>, timeoutMs = 5000): Promise<{ status: number; elapsedMs: number }> {
  const startedAt = performance.now();
  await act();
  let last = 200;
  while (last === 200 && performance.now() - startedAt < timeoutMs) last = await status();
  return { status: last, elapsedMs: performance.now() - startedAt };
}

/** Below this many samples the nearest-rank p99 is one of the two largest: a maximum, not a percentile. */
export const PERCENTILE_SAMPLES = 200;

/**
 * Takes `count` latency samples, sample `i` due `i * intervalMs` after the start and at most
 * `concurrency` in flight. Spaced out this way, denials land at every phase of a store's
 * polling; back to back, each would start just after the poll that ended the last one, all in
 * step with it. Concurrency keeps the sample count affordable where each sample waits a poll.
 */
export async function staggeredSamples(
  count: number,
  { intervalMs, concurrency }: { intervalMs: number; concurrency: number },
  sample: (index: number) => Promise<number>,
): Promise<number[]> {
  const results: number[] = [];
  const startedAt = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const wait = startedAt + index * intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      results[index] = await sample(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/**
 * Nearest-rank p50 and p99. Needs `PERCENTILE_SAMPLES`. The figures are printed only when
 * PRINT_TIMINGS is set, so the suite's output stays quiet.
 */
export function percentiles(label: string, durationsMs: number[]): { p50: number; p99: number } {
  if (durationsMs.length < PERCENTILE_SAMPLES) throw new Error(`${label}: ${durationsMs.length} samples are too few for a p99`);
  const sorted = [...durationsMs].sort((x, y) => x - y);
  const rank = (fraction: number) => sorted[Math.ceil(sorted.length * fraction) - 1];
  const [p50, p99] = [rank(0.5), rank(0.99)];
  if (process.env.PRINT_TIMINGS) {
    process.stdout.write(`${label}: n=${sorted.length} p50=${p50.toFixed(1)} ms p99=${p99.toFixed(1)} ms max=${sorted[sorted.length - 1].toFixed(1)} ms\n`);
  }
  return { p50, p99 };
}
