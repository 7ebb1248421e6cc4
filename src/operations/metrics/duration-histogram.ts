import type { MetricValueWithName, Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram whose `observe` costs a map lookup and a few additions. prom-client's
 * own validates and hashes the labels on every call (microseconds), too much for every request;
 * this one keeps plain numbers and shapes them only when scraped.
 */
export class DurationHistogram {
  /** By route, then by method and status: the route string is the same object on every request, so its hash is cached. */
  private readonly series = new Map<string, Map<string, Series>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** One observation for the label values `[first, ...rest]`, `first` being the most varied. */
  observe(first: string, second: string, third: string, seconds: number): void {
    let byRest = this.series.get(first);
    if (!byRest) this.series.set(first, (byRest = new Map()));
    const rest = second + third;
    let series = byRest.get(rest);
    if (!series) {
      const values = [first, second, third];
      series = {
        labels: Object.fromEntries(this.labelNames.map((name, index) => [name, values[index]])),
        counts: new Float64Array(this.upperBounds.length + 1),
        sum: 0,
        count: 0,
      };
      byRest.set(rest, series);
    }
    let bucket = 0;
    while (bucket < this.upperBounds.length && seconds > this.upperBounds[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  /** What the registry renders: cumulative buckets, sum and count per label set. */
  get(): { name: string; help: string; type: 'histogram'; values: MetricValueWithName<string>[]; aggregator: 'sum' } {
    const values: MetricValueWithName<string>[] = [];
    for (const series of [...this.series.values()].flatMap((byRest) => [...byRest.values()])) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, index) => {
        cumulative += series.counts[index];
        values.push({ metricName: `${this.name}_bucket`, labels: { ...series.labels, le: String(bound) }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...series.labels, le: '+Inf' }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
