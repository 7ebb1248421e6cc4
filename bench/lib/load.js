'use strict';
// One bounded autocannon run of one scenario against one target, with the server's peak RSS.
const autocannon = require('autocannon');
const { scenarios } = require('./scenarios');
const { refreshTokens } = require('./targets');

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function fixtureFor(scenario, target, connections) {
  if (scenario.needsAccessToken) await target.renewTokens();
  return scenario.needsRefreshTokens ? { refreshTokens: await refreshTokens(target, connections) } : {};
}

async function run(scenario, target, { connections, duration, rate }) {
  const plan = scenario.plan(target, await fixtureFor(scenario, target, connections));
  const storeBefore = target.storeBytes ? await target.storeBytes() : undefined;
  const stopSampling = target.servers.map((server) => server.sampleRss());
  const cpuBefore = target.servers.map((server) => server.cpuMs());
  const result = await autocannon({
    url: target.urls,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    ...(rate ? { overallRate: rate } : {}),
    ...plan.options,
  });
  const peakRssMb = Math.max(...stopSampling.map((stop) => stop()));
  const cpuMs = target.servers.reduce((sum, server, i) => sum + (server.cpuMs() - cpuBefore[i]), 0);
  const storeGrowthBytes = storeBefore === undefined ? undefined : (await target.storeBytes()) - storeBefore;
  return { result, plan, peakRssMb, cpuMs, storeGrowthBytes };
}

/**
 * Runs `name` against `target`: a short warm-up (not recorded) when `warmup` seconds > 0, then
 * the measured run. Returns the figures of the measured run, or { supported: false }.
 */
async function measure(name, target, { connections, duration, warmup, rate }) {
  const scenario = scenarios[name];
  if (!scenario.supported(target)) return { supported: false };
  if (warmup > 0) await run(scenario, target, { connections, duration: warmup, rate });
  const { result, plan, peakRssMb, cpuMs, storeGrowthBytes } = await run(scenario, target, { connections, duration, rate });
  const expected = new Set(scenario.redirects || []);
  let non2xx = 0;
  for (const [code, { count }] of Object.entries(result.statusCodeStats || {})) {
    const status = Number(code);
    if ((status < 200 || status > 299) && !expected.has(status)) non2xx += count;
  }
  const seconds = result.duration;
  const figures = {
    supported: true,
    requests: result.requests.total,
    reqPerSec: round(result.requests.total / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx,
    failures: plan.failures ? plan.failures() : 0,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats || {}).map(([code, { count }]) => [code, count])),
    peakRssMb: round(peakRssMb),
    // Server CPU time per answered request (per flow for code_flow): robust against a busy machine.
    cpuMsPerUnit: round(cpuMs / Math.max(1, plan.units ? plan.units() : result.requests.total), 3),
    serverCpuPercent: round((cpuMs / (seconds * 1000)) * 100),
    seconds: round(seconds, 2),
    connections,
    ...(plan.counters ? { counters: { ...plan.counters } } : {}),
  };
  if (plan.units) figures.flowsPerSec = round(plan.units() / seconds);
  // What the store keeps per 1 000 rotations: the cost of rotation in storage, not in time.
  if (storeGrowthBytes !== undefined && plan.counters?.rotations > 0) {
    figures.storeGrowthBytesPer1000Rotations = Math.round((storeGrowthBytes / plan.counters.rotations) * 1000);
  }
  return figures;
}

module.exports = { measure };
