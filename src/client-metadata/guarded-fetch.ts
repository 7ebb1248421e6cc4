import { Injectable } from '@nestjs/common';
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { HostResolver } from './host-resolver';
import { isLoopbackAddress, isPermittedAddress } from './address-policy';

/** Why a fetch was refused or failed; the message is safe to log and to show the client. */
export class FetchRefused extends Error {}

/** How long and how much: the defaults suit a metadata document (a few hundred bytes). */
export class FetchLimits {
  timeoutMs = 3000;
  maxBytes = 5 * 1024;
  /** PEM certificates trusted besides the system's (a test's self-signed loopback server). */
  extraCertificates: string[] = [];
}

export interface FetchedJson {
  body: unknown;
  cacheControl?: string;
}

export interface FetchPolicy {
  /** Development switch: plain http, and loopback addresses, are allowed. */
  allowHttpLoopback: boolean;
}

/**
 * GETs a JSON document without letting the URL reach inside the network (SSRF): the host is
 * resolved here, every address is checked, and the connection goes to the checked address
 * itself, so a second DNS answer (rebinding) never gets a say. No redirects are followed.
 */
@Injectable()
export class GuardedFetch {
  constructor(
    private readonly resolver: HostResolver,
    private readonly limits: FetchLimits,
  ) {}

  async json(url: URL, policy: FetchPolicy): Promise<FetchedJson> {
    const address = await this.checkedAddress(url, policy);
    return this.get(url, address);
  }

  /**
   * POSTs a form to `url` through the same guard (resolved and checked address, no redirects
   * followed, `timeoutMs` for the whole exchange) and answers the status; the body is discarded.
   */
  async postForm(url: URL, form: Record<string, string>, policy: FetchPolicy, timeoutMs: number): Promise<number> {
    const address = await this.checkedAddress(url, policy);
    const body = new URLSearchParams(form).toString();
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request({
      host: address,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { Host: url.host, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
      ...(secure ? { servername: isIP(url.hostname) ? undefined : url.hostname } : {}),
      ...(secure && this.limits.extraCertificates.length > 0 ? { ca: [...rootCertificates, ...this.limits.extraCertificates] } : {}),
      agent: false,
      timeout: timeoutMs,
    });
    return new Promise<number>((resolve, reject) => {
      const fail = (reason: string) => {
        request.destroy();
        reject(new FetchRefused(reason));
      };
      const deadline = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      request.on('timeout', () => fail(`no answer within ${timeoutMs} ms`));
      request.on('error', () => fail('the request could not be sent'));
      request.on('close', () => clearTimeout(deadline));
      request.on('response', (response: IncomingMessage) => {
        clearTimeout(deadline);
        response.resume();
        request.destroy();
        resolve(response.statusCode ?? 0);
      });
      request.end(body);
    });
  }

  private async checkedAddress(url: URL, policy: FetchPolicy): Promise<string> {
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttpLoopback)) {
      throw new FetchRefused('the URL must use https');
    }
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (isIP(hostname)) addresses = [hostname];
    else {
      try {
        addresses = await this.resolver.resolve(hostname);
      } catch {
        throw new FetchRefused('the host name does not resolve');
      }
    }
    if (addresses.length === 0) throw new FetchRefused('the host name does not resolve');
    // Every address must pass: a name with one public and one private address is refused.
    if (!addresses.every((address) => isPermittedAddress(address, policy.allowHttpLoopback))) {
      throw new FetchRefused('the host resolves to a private, loopback or link-local address');
    }
    if (url.protocol === 'http:' && !addresses.every(isLoopbackAddress)) throw new FetchRefused('plain http is allowed on loopback only');
    return addresses[0];
  }

  private get(url: URL, address: string): Promise<FetchedJson> {
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request({
      host: address,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { Host: url.host, Accept: 'application/json' },
      // The certificate is checked against the name in the URL, not the address connected to.
      ...(secure ? { servername: isIP(url.hostname) ? undefined : url.hostname } : {}),
      ...(secure && this.limits.extraCertificates.length > 0 ? { ca: [...rootCertificates, ...this.limits.extraCertificates] } : {}),
      agent: false,
      timeout: this.limits.timeoutMs,
    });
    return new Promise<FetchedJson>((resolve, reject) => {
      const fail = (reason: string) => {
        request.destroy();
        reject(new FetchRefused(reason));
      };
      // The whole exchange, not only idle time, is bounded: a server trickling bytes is cut off too.
      const deadline = setTimeout(() => fail(`no complete answer within ${this.limits.timeoutMs} ms`), this.limits.timeoutMs);
      request.on('timeout', () => fail(`no answer within ${this.limits.timeoutMs} ms`));
      request.on('error', () => fail('the document could not be fetched'));
      request.on('close', () => clearTimeout(deadline));
      request.on('response', (response: IncomingMessage) => {
        if (response.statusCode !== 200) return fail(`the document answered ${response.statusCode} (redirects are not followed)`);
        const declared = Number(response.headers['content-length']);
        if (declared > this.limits.maxBytes) return fail(`the document is larger than ${this.limits.maxBytes} bytes`);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.limits.maxBytes) return fail(`the document is larger than ${this.limits.maxBytes} bytes`);
          chunks.push(chunk);
        });
        response.on('error', () => fail('the document could not be fetched'));
        response.on('end', () => {
          clearTimeout(deadline);
          try {
            resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), cacheControl: response.headers['cache-control'] });
          } catch {
            reject(new FetchRefused('the document is not JSON'));
          }
        });
      });
      request.end();
    });
  }
}
