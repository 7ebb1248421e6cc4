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
 * status it ended on and the milliseconds from the start of `act` (gives up after 5 s).
 */
export async function timeUntilRefused(act: () => Promise<unknown>, status: () => Promise<number>): Promise<{ status: number; elapsedMs: number }> {
  const startedAt = performance.now();
  await act();
  let last = 200;
  while (last === 200 && performance.now() - startedAt < 5000) last = await status();
  return { status: last, elapsedMs: performance.now() - startedAt };
}

/** p50 and p99 of some durations, printed with a label; returns p99 for a generous bound. */
export function reportPercentiles(label: string, durationsMs: number[]): { p50: number; p99: number } {
  const sorted = [...durationsMs].sort((x, y) => x - y);
  const p50 = sorted[Math.floor(sorted.length / 2)];
  const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1];
  console.log(`${label}: n=${sorted.length} p50=${p50.toFixed(1)} ms p99=${p99.toFixed(1)} ms max=${sorted[sorted.length - 1].toFixed(1)} ms`);
  return { p50, p99 };
}
