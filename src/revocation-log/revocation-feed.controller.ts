import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { carryHeadersToRaw } from '../common/security-headers';
import { RevocationFeedService } from './revocation-feed.service';

/** The revocation feed (a project extension of the contract): Server-Sent Events for resource servers. */
@Controller('revocations')
export class RevocationFeedController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly feed: RevocationFeedService,
  ) {}

  /**
   * Registered clients only, authenticated as at the introspection endpoint. A snapshot of
   * the denials still in force (after `Last-Event-ID` when resuming), then each new one.
   */
  @Get('stream')
  async stream(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.clients.authenticate({ authorization: req.headers.authorization, body: {}, ip: req.ip });
    // The stream is written on the raw response from here on; Fastify sends nothing more.
    carryHeadersToRaw(res);
    res.hijack();
    await this.feed.subscribe(res.raw, parseLastEventId(req.headers['last-event-id']));
  }
}

/** A seq number to resume after; anything else starts from the full snapshot. */
function parseLastEventId(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : 0;
}
