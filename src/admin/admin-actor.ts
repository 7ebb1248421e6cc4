import type { FastifyRequest } from 'fastify';

const ACTOR = Symbol('adminActor');

/** Who passed the admin guard: `admin_key`, or the `sub` and `client_id` of an admin access token. */
export function setAdminActor(request: FastifyRequest, actor: string): void {
  (request as FastifyRequest & { [ACTOR]?: string })[ACTOR] = actor;
}

export function adminActorOf(request: FastifyRequest): string | undefined {
  return (request as FastifyRequest & { [ACTOR]?: string })[ACTOR];
}
