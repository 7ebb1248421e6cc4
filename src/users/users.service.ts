import { ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Accounts that sign in on the login page. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** Creates an account; `409` when the email is taken, in any letter case. */
  async create(email: string, password: string): Promise<User> {
    const emailNormalized = normalizeEmail(email);
    if (await this.users.existsBy({ emailNormalized })) {
      throw new ConflictException('email is already registered');
    }
    const user = this.users.create({
      id: this.random.id(),
      email: email.trim(),
      emailNormalized,
      passwordHash: await this.hasher.hash(password),
      createdAt: this.clock.now(),
    });
    try {
      await this.users.insert(user);
    } catch (error) {
      // Two racing sign-ups: the unique index decides.
      if (await this.users.existsBy({ emailNormalized })) throw new ConflictException('email is already registered');
      throw error;
    }
    return user;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * The user whose email and password match, or null. A wrong email and a wrong password take
   * comparable time (the hasher verifies a dummy hash), so the answer reveals no accounts.
   */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.users.findOneBy({ emailNormalized: normalizeEmail(email) });
    const matches = await this.hasher.verify(user?.passwordHash, password);
    return user && matches ? user : null;
  }

  /** True when a user was deleted. */
  async delete(id: string): Promise<boolean> {
    const result = await this.users.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
