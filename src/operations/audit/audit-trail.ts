import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { RandomSource } from '../../common/crypto/random';
import { Metrics } from '../metrics/metrics';
import { AuditEventsRepository } from './audit-events.repository';
import { SecurityEvent, SecurityEventKind } from './security-event.entity';

/** One event to record. Only ids, addresses, names and counts: never a secret or a token. */
export interface AuditEventInput {
  kind: SecurityEventKind;
  /** Who acted, for admin actions: `admin_key`, or `sub:<sub> client:<client_id>`. */
  actor?: string;
  /** What was done, e.g. `DELETE /admin/clients/:client_id`. */
  action?: string;
  /** The id of what it was done to. */
  target?: string;
  familyId?: string;
  clientId?: string;
  userId?: string;
  /** Where from: the client address as the server sees it. */
  ip?: string;
  /** Facts worth keeping (a reason, a count). */
  detail?: Record<string, string | number | boolean | null>;
}

/**
 * The audit trail: security events and admin actions are stored (read back at
 * `GET /admin/events`, kept `AUDIT_RETENTION_DAYS`) and written to the log at `warn` as they
 * happen, so a log pipeline sees them without polling.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly events: AuditEventsRepository,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** Stores the event and logs it; answers what was stored. */
  async record(input: AuditEventInput): Promise<SecurityEvent> {
    const event: SecurityEvent = {
      id: this.random.id(),
      kind: input.kind,
      actor: clip(input.actor, 300),
      action: clip(input.action, 64),
      target: clip(input.target, 200),
      familyId: clip(input.familyId, 64),
      clientId: clip(input.clientId, 64),
      userId: clip(input.userId, 64),
      ip: clip(input.ip, 64),
      detail: input.detail ? JSON.stringify(input.detail) : null,
      createdAt: this.clock.now(),
    };
    if (event.kind === 'refresh_token_reuse') this.metrics.refreshReuseDetected();
    await this.events.insert(event);
    this.logger.warn({ msg: 'security event', event: describeEvent(event) });
    return event;
  }
}

/** An event as the admin API and the log show it: RFC-style snake_case, Unix seconds. */
export function describeEvent(event: SecurityEvent): Record<string, unknown> {
  return {
    id: event.id,
    type: event.kind,
    created_at: Math.floor(event.createdAt.getTime() / 1000),
    actor: event.actor,
    action: event.action,
    target: event.target,
    client_id: event.clientId,
    user_id: event.userId,
    family_id: event.familyId,
    ip: event.ip,
    detail: event.detail === null ? null : (JSON.parse(event.detail) as unknown),
  };
}

function clip(value: string | undefined, length: number): string | null {
  return value === undefined ? null : value.slice(0, length);
}
