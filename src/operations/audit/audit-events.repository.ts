import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SecurityEvent, SecurityEventKind } from './security-event.entity';

/** What `GET /admin/events` may filter on; every field narrows, none required. */
export interface SecurityEventFilter {
  kind?: SecurityEventKind;
  clientId?: string;
  userId?: string;
  familyId?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
}

/** Storage of the audit trail (`security_events`). */
@Injectable()
export class AuditEventsRepository {
  constructor(@InjectRepository(SecurityEvent) private readonly events: Repository<SecurityEvent>) {}

  async insert(event: SecurityEvent): Promise<void> {
    await this.events.insert(event);
  }

  /** One page of the events matching `filter`, newest first, and how many match in all. */
  async page(filter: SecurityEventFilter, offset: number, limit: number): Promise<{ items: SecurityEvent[]; total: number }> {
    const query = this.events.createQueryBuilder('e');
    if (filter.kind) query.andWhere('e.kind = :kind', { kind: filter.kind });
    if (filter.clientId) query.andWhere('e.client_id = :clientId', { clientId: filter.clientId });
    if (filter.userId) query.andWhere('e.user_id = :userId', { userId: filter.userId });
    if (filter.familyId) query.andWhere('e.family_id = :familyId', { familyId: filter.familyId });
    if (filter.since) query.andWhere('e.created_at >= :since', { since: filter.since.getTime() });
    if (filter.until) query.andWhere('e.created_at < :until', { until: filter.until.getTime() });
    const [items, total] = await query.orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'ASC').skip(offset).take(limit).getManyAndCount();
    return { items, total };
  }

  /** Deletes events recorded before `before`, at most `batch` of them; answers how many. */
  async purgeBefore(before: Date, batch = 1000): Promise<number> {
    const old = await this.events
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .where('e.created_at < :before', { before: before.getTime() })
      .limit(batch)
      .getRawMany<{ id: string }>();
    if (old.length === 0) return 0;
    await this.events.delete(old.map((row) => row.id));
    return old.length;
  }
}
