import { createServer, type Server } from 'node:net';
import { firstFreePort, freePort, HIGHEST_PORT, LOWEST_PORT } from './free-port';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, each one a server can bind', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(LOWEST_PORT);
      expect(port).toBeLessThan(HIGHEST_PORT);
    }
    const servers = await Promise.all(ports.map(listen));
    await Promise.all(servers.map(close));
  });

  it('passes over a port something listens on, and one it handed out before', async () => {
    const taken = await listen(0);
    try {
      const { port: busy } = taken.address() as { port: number };
      const given = await freePort();
      // The busy port's neighbours stand for free ports: one of three is enough.
      const free = await firstFreePort([busy, given, busy + 1, busy + 2, busy + 3]);
      expect([busy + 1, busy + 2, busy + 3]).toContain(free);
      await expect(firstFreePort([busy, given])).rejects.toThrow('no free port on 127.0.0.1 among 2 candidates');
    } finally {
      await close(taken);
    }
  });
});
