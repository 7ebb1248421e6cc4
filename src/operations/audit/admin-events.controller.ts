import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../../admin/admin-api.decorator';
import { AuditEventsRepository } from './audit-events.repository';
import { describeEvent } from './audit-trail';
import { ListEventsQuery } from './dto/list-events.query';
import { SecurityEventPage, SecurityEventResponse } from './dto/security-event.response';

/** The audit trail, newest first: security events and admin actions. */
@AdminApi('admin: events')
@ApiBadRequestResponse({ description: 'Invalid query: `message` lists each bad field' })
@Controller('admin/events')
export class AdminEventsController {
  constructor(private readonly events: AuditEventsRepository) {}

  @Get()
  @ApiOkResponse({ type: SecurityEventPage })
  async list(@Query() query: ListEventsQuery): Promise<SecurityEventPage> {
    const { items, total } = await this.events.page(
      {
        kind: query.type,
        clientId: query.client_id,
        userId: query.user_id,
        since: query.since === undefined ? undefined : new Date(query.since * 1000),
        until: query.until === undefined ? undefined : new Date(query.until * 1000),
      },
      query.offset,
      query.limit,
    );
    return { items: items.map((event) => describeEvent(event) as unknown as SecurityEventResponse), total, offset: query.offset, limit: query.limit };
  }
}
