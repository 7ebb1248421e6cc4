import { isIP } from 'node:net';
import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

/** Fastify's `trustProxy` setting: off, how many hops, or which proxies to believe. */
export type TrustProxy = false | number | string[];

/** The names proxy-addr (Fastify's `trustProxy`) knows for address ranges. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUST_PROXY`: `off` (the default; the socket address is the client), a number of hops
 * (`1`: the load balancer in front is believed), or a comma-separated list of addresses,
 * CIDRs and named ranges whose `X-Forwarded-For` is believed. Undefined when not valid.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const trimmed = value.trim();
  if (/^(off|false|0)$/i.test(trimmed)) return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) <= 32 ? Number(trimmed) : undefined;
  const entries = trimmed.split(',').map((entry) => entry.trim());
  return entries.every(isProxyAddress) ? entries : undefined;
}

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

@ValidatorConstraint({ name: 'trustProxy' })
export class TrustProxySetting implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseTrustProxy(value) !== undefined;
  }

  defaultMessage(): string {
    return 'must be off, a number of proxy hops (0 to 32), or comma-separated addresses or CIDRs (or loopback, linklocal, uniquelocal)';
  }
}
