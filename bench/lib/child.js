'use strict';
// Starts a server as a child process on a free loopback port, waits until it answers, samples
// its resident memory from /proc, and stops it again.
const { spawn } = require('node:child_process');
const { randomInt } = require('node:crypto');
const { readFileSync } = require('node:fs');
const net = require('node:net');

/**
 * A free TCP port on 127.0.0.1, drawn below the kernel's ephemeral range, by the same rule as
 * demo/free-port.ts: a port found free inside that range and closed again can be taken by an
 * outgoing connection before the child binds it.
 */
const handedOut = new Set();
async function freePort() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = randomInt(20_000, 32_000);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port on 127.0.0.1 between 20000 and 32000');
}

function canListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** VmRSS and VmHWM (peak) of a process in MB, or undefined once it is gone. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number((status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm')) || [])[1] || 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system, every thread) a process has used so far, in ms, from
 * /proc/<pid>/stat; clock ticks are 1/100 s on Linux.
 */
function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Spawns `node <args>` with `env`, waits until `readyPath` answers on `port`.
 * Returns { pid, port, baseUrl, stop(), sampler() }.
 */
async function startServer({ name, args, env, port, readyPath = '/', timeoutMs = 60_000, cwd }) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} exited before it answered:\n${output}`);
    try {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 2000);
      const res = await fetch(baseUrl + readyPath, { signal: abort.signal }).finally(() => clearTimeout(timer));
      await res.arrayBuffer();
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return {
    name,
    pid: child.pid,
    port,
    baseUrl,
    output: () => output,
    memory: () => memoryOf(child.pid),
    cpuMs: () => cpuMsOf(child.pid),
    /** Samples VmRSS every 100 ms until the returned function is called; that returns the peak in MB. */
    sampleRss() {
      let peak = memoryOf(child.pid)?.rssMb ?? 0;
      const timer = setInterval(() => {
        peak = Math.max(peak, memoryOf(child.pid)?.rssMb ?? 0);
      }, 100);
      return () => {
        clearInterval(timer);
        return Math.max(peak, memoryOf(child.pid)?.rssMb ?? 0);
      };
    },
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}

module.exports = { cpuMsOf, freePort, memoryOf, startServer };
