import type { Client } from './client.entity';
import { ClientCache } from './client-cache';

const client = (clientId: string) => ({ clientId }) as Client;

describe('ClientCache', () => {
  it('answers a cached client until its time to live runs out', () => {
    const cache = new ClientCache(5000);
    cache.set(client('a'), 1000);
    expect(cache.get('a', 5999)?.clientId).toBe('a');
    expect(cache.get('a', 6000)).toBeUndefined();
  });

  it('forgets an invalidated client at once', () => {
    const cache = new ClientCache(5000);
    cache.set(client('a'), 0);
    cache.invalidate('a');
    expect(cache.get('a', 1)).toBeUndefined();
  });

  it('drops the oldest entry beyond its bound', () => {
    const cache = new ClientCache(5000, 2);
    cache.set(client('a'), 0);
    cache.set(client('b'), 0);
    cache.set(client('c'), 0);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('b', 1)?.clientId).toBe('b');
    expect(cache.get('c', 1)?.clientId).toBe('c');
  });
});
