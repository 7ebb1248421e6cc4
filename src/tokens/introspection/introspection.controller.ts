import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientAuthenticator } from '../../clients/client-authenticator';
import { readClientRequest } from '../client-request';
import { IntrospectionResponse, IntrospectionService } from './introspection.service';

/** `POST /introspect` (RFC 7662), for authenticated clients only. */
@Controller()
export class IntrospectionController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly introspection: IntrospectionService,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  async introspect(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<IntrospectionResponse> {
    const { params, client } = await readClientRequest(this.authenticator, req, res);
    return this.introspection.introspect(params.required('token'), params.optional('token_type_hint'), client);
  }
}
