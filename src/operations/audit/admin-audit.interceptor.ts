import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { concatMap, Observable } from 'rxjs';
import { adminActorOf } from '../../admin/admin-actor';
import { AuditTrail } from './audit-trail';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Records every successful change through the admin API: who (the admin key, or an admin
 * token's `sub` and client), what (method and route pattern), on what (the id in the path, or
 * the id the answer names for a creation), from where. Bodies are never recorded: they carry
 * passwords and secrets. The event is stored before the answer leaves.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AdminAuditInterceptor.name);

  constructor(private readonly audit: AuditTrail) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (READS.has(request.method)) return next.handle();
    return next.handle().pipe(
      concatMap(async (answer: unknown) => {
        await this.record(request, answer).catch((error: unknown) =>
          this.logger.error({ msg: 'admin action not recorded', err: error instanceof Error ? error.message : String(error) }),
        );
        return answer;
      }),
    );
  }

  private async record(request: FastifyRequest, answer: unknown): Promise<void> {
    const route = request.routeOptions.url ?? request.url.split('?')[0];
    const target = Object.values((request.params ?? {}) as Record<string, string>)[0] ?? createdId(answer);
    await this.audit.record({
      kind: 'admin_action',
      actor: adminActorOf(request) ?? 'unknown',
      action: `${request.method} ${route}`,
      target: typeof target === 'string' ? target : undefined,
      ip: request.ip,
    });
  }
}

/** The id a creation answers with: a client, a user, a signing key. */
function createdId(answer: unknown): unknown {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { client_id: clientId, id, kid } = answer as Record<string, unknown>;
  return clientId ?? id ?? kid;
}
