import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Ports are drawn below the kernel's ephemeral range (Linux: 32768–60999, macOS and Windows:
 * 49152 and up), from which it hands out ports by itself. A port found free there, then closed
 * for a server to bind a moment later, can be taken in between as the local port of any
 * outgoing connection or by another `listen(0)`: the server then fails with EADDRINUSE.
 */
export const LOWEST_PORT = 20_000;
export const HIGHEST_PORT = 32_000;
const ATTEMPTS = 100;

/** Ports this process has handed out already: two callers never get the same one. */
const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that nothing listens on, for a server about to be started. */
export function freePort(): Promise<number> {
  return firstFreePort(Array.from({ length: ATTEMPTS }, () => randomInt(LOWEST_PORT, HIGHEST_PORT)));
}

/** The first of `candidates` not handed out before and that nothing listens on; it is then handed out. */
export async function firstFreePort(candidates: number[]): Promise<number> {
  for (const port of candidates) {
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port on 127.0.0.1 among ${candidates.length} candidates`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
