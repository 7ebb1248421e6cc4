import { AddressInfo, createServer as createTcpServer, Server as TcpServer } from 'node:net';
import { HostResolver } from '../../src/client-metadata/host-resolver';

/** A TCP listener that only counts who connects: the proof that no request reached a refused address. */
export async function connectionCounter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: TcpServer = createTcpServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Names the tests make resolve where they like; anything else does not resolve. */
export class FakeHostResolver extends HostResolver {
  constructor(private readonly names: Record<string, string[]>) {
    super();
  }
  async resolve(hostname: string): Promise<string[]> {
    const addresses = this.names[hostname];
    if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
    return addresses;
  }
}
