import type { Request } from 'express';

const ACTOR = Symbol('adminActor');

/** Who passed the admin guard: `admin_key`, or the `sub` and `client_id` of an admin access token. */
export function setAdminActor(request: Request, actor: string): void {
  (request as Request & { [ACTOR]?: string })[ACTOR] = actor;
}

export function adminActorOf(request: Request): string | undefined {
  return (request as Request & { [ACTOR]?: string })[ACTOR];
}
