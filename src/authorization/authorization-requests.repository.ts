import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { sha256 } from '../common/crypto/hashing';
import type { AuthorizationParams } from './authorization-params';
import { AuthorizationRequest } from './authorization-request.entity';

/** Pending authorization requests, stored by the SHA-256 of the id the pages carry. */
@Injectable()
export class AuthorizationRequestsRepository {
  constructor(@InjectRepository(AuthorizationRequest) private readonly rows: Repository<AuthorizationRequest>) {}

  async create(id: string, params: AuthorizationParams, now: Date, expiresAt: Date): Promise<AuthorizationRequest> {
    // Expired requests are swept as new ones arrive: one indexed delete keeps the table small.
    await this.rows.createQueryBuilder().delete().where('expires_at <= :now', { now: now.getTime() }).execute();
    const request = this.rows.create({
      idHash: sha256(id),
      clientId: params.clientId,
      redirectUri: params.redirectUri,
      scope: params.scopes.join(' '),
      resources: params.resources?.join(' ') ?? null,
      state: params.state ?? null,
      codeChallenge: params.codeChallenge,
      prompt: params.prompts.filter((prompt) => prompt !== 'none').join(' ') || null,
      nonce: params.nonce ?? null,
      userId: null,
      createdAt: now,
      expiresAt,
    });
    await this.rows.insert(request);
    return request;
  }

  async findLive(id: string, now: Date): Promise<AuthorizationRequest | null> {
    const request = await this.rows.findOneBy({ idHash: sha256(id) });
    return request && request.expiresAt.getTime() > now.getTime() ? request : null;
  }

  /** Records who signed in for the request; only their session may then answer its consent page. */
  async bindUser(idHash: string, userId: string): Promise<void> {
    await this.rows.update({ idHash }, { userId });
  }

  /** Deletes the request if, and only if, no other submission finished it first. */
  async consume(idHash: string): Promise<boolean> {
    const result = await this.rows.delete({ idHash });
    return result.affected === 1;
  }
}
