import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A server the demo started, as a child process on 127.0.0.1. */
export interface ChildServer {
  readonly name: string;
  readonly baseUrl: string;
  /** The last lines it printed, for the report when something goes wrong. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** The compiled script to run. */
  entry: string;
  port: number;
  env: Record<string, string>;
  /** Resolves true once the server is ready; polled until then. */
  isReady: (baseUrl: string) => Promise<boolean>;
  timeoutMs?: number;
}

/** Variables a child needs from ours; nothing else leaks in (an operator's settings would change the story). */
const INHERITED = ['PATH', 'HOME', 'SYSTEMROOT', 'TMPDIR', 'NODE_PATH'];

/** The servers the demo started: each is known from its spawn on, so a stop reaches them all. */
export class ChildServers {
  private readonly started: ChildServer[] = [];

  /** Starts `node <entry>` and waits until it is ready; the child stops itself if the demo dies. */
  async start(options: StartOptions): Promise<ChildServer> {
    const server = spawnServer(options);
    this.started.push(server);
    await waitUntilReady(server, options);
    return server;
  }

  /** Stops every server, the last started first. */
  async stopAll(): Promise<void> {
    for (const server of this.started.reverse()) await server.stop();
    this.started.length = 0;
  }
}

interface SpawnedServer extends ChildServer {
  hasExited(): boolean;
}

function spawnServer(options: StartOptions): SpawnedServer {
  const inherited = Object.fromEntries(INHERITED.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
  const child = spawn(process.execPath, ['--require', join(__dirname, 'exit-with-parent.js'), options.entry], {
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    name: options.name,
    baseUrl: `http://127.0.0.1:${options.port}`,
    output: () => output,
    hasExited: () => exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

async function waitUntilReady(server: SpawnedServer, options: StartOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (server.hasExited()) throw new Error(`${options.name} exited before it was ready:\n${server.output()}`);
    if (await options.isReady(server.baseUrl).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
