import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { sha256 } from '../common/crypto/hashing';
import { PreparedRows } from '../database/prepared-rows';
import { UserSession } from './user-session.entity';

/** Sign-in sessions. The cookie holds a random id; the table holds only its SHA-256. */
@Injectable()
export class SessionsRepository implements BeforeApplicationShutdown {
  // Every authorization request with a session reads it: prepared once (prepared-rows.ts).
  private readonly prepared: PreparedRows<UserSession>;
  private readonly findByHash: (idHash: string) => Promise<UserSession | null>;

  constructor(@InjectRepository(UserSession) private readonly rows: Repository<UserSession>) {
    this.prepared = new PreparedRows(rows);
    this.findByHash = this.prepared.findOneBy('idHash');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.prepared.finalize();
  }

  /** `sid` is the session's public id; a re-authentication keeps it (and so what it started). */
  async create(id: string, sid: string, userId: string, authTime: Date, expiresAt: Date): Promise<UserSession> {
    // Expired sessions are not swept here: ending one ends its tokens (SessionExpiryJob).
    const session = this.rows.create({ idHash: sha256(id), sid, userId, authTime, expiresAt });
    await this.rows.insert(session);
    return session;
  }

  /** The live session behind a cookie value, or null. */
  async findLive(id: string, now: Date): Promise<UserSession | null> {
    const session = await this.findByHash(sha256(id));
    return session && session.expiresAt.getTime() > now.getTime() ? session : null;
  }

  /** The session behind a cookie value, live or expired, or null. */
  find(id: string): Promise<UserSession | null> {
    return this.findByHash(sha256(id));
  }

  findForUser(userId: string): Promise<UserSession[]> {
    return this.rows.findBy({ userId });
  }

  /** Expired sessions, a batch at a time. */
  findExpired(now: Date, limit = 500): Promise<UserSession[]> {
    return this.rows.createQueryBuilder().where('expires_at <= :now', { now: now.getTime() }).limit(limit).getMany();
  }

  /** Deletes the row if it is still there: true for the one caller that removed it. */
  async deleteByHash(idHash: string): Promise<boolean> {
    const result = await this.rows.delete({ idHash });
    return result.affected === 1;
  }
}
