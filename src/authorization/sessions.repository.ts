import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { sha256 } from '../common/crypto/hashing';
import { UserSession } from './user-session.entity';

/** Sign-in sessions. The cookie holds a random id; the table holds only its SHA-256. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(UserSession) private readonly rows: Repository<UserSession>) {}

  async create(id: string, userId: string, authTime: Date, expiresAt: Date): Promise<UserSession> {
    // Expired sessions are swept as new ones begin: one indexed delete keeps the table small.
    await this.purgeExpired(authTime);
    const session = this.rows.create({ idHash: sha256(id), userId, authTime, expiresAt });
    await this.rows.insert(session);
    return session;
  }

  /** The live session behind a cookie value, or null. */
  async findLive(id: string, now: Date): Promise<UserSession | null> {
    const session = await this.rows.findOneBy({ idHash: sha256(id) });
    return session && session.expiresAt.getTime() > now.getTime() ? session : null;
  }

  async delete(id: string): Promise<void> {
    await this.rows.delete({ idHash: sha256(id) });
  }

  /** Ends every sign-in session of a user; returns how many there were. */
  async deleteForUser(userId: string): Promise<number> {
    const result = await this.rows.delete({ userId });
    return result.affected ?? 0;
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.rows.createQueryBuilder().delete().where('expires_at <= :now', { now: now.getTime() }).execute();
  }
}
