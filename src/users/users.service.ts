import { ConflictException, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { PasswordHasher } from './password-hasher';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** What `PATCH /admin/users/:id` may change. */
export interface UserChanges {
  email?: string;
  password?: string;
  name?: string | null;
  emailVerified?: boolean;
  roles?: string[];
}

/** Accounts that sign in on the login page. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** Creates an account; `409` when the email is taken, in any letter case. */
  async create(email: string, password: string, profile: { name?: string; roles?: string[] } = {}): Promise<User> {
    const emailNormalized = normalizeEmail(email);
    if (await this.users.emailTaken(emailNormalized)) {
      throw new ConflictException('email is already registered');
    }
    const user = this.users.build({
      id: this.random.id(),
      email: email.trim(),
      emailNormalized,
      passwordHash: await this.hasher.hash(password),
      name: profile.name ?? null,
      emailVerified: false,
      roles: profile.roles ?? [],
      createdAt: this.clock.now(),
    });
    try {
      await this.users.insert(user);
    } catch (error) {
      // Two racing sign-ups: the unique index decides.
      if (await this.users.emailTaken(emailNormalized)) throw new ConflictException('email is already registered');
      throw error;
    }
    return user;
  }

  /** A page of users, oldest first. */
  async list(offset: number, limit: number): Promise<{ items: User[]; total: number }> {
    return this.users.page(offset, limit);
  }

  /**
   * Applies a change; null when there is no such user, `409` when a new email is taken. A new
   * password is hashed with argon2id like every other; a new email is unverified unless said.
   */
  async update(id: string, changes: UserChanges): Promise<User | null> {
    const user = await this.findById(id);
    if (!user) return null;
    if (changes.email !== undefined && normalizeEmail(changes.email) !== user.emailNormalized) {
      const emailNormalized = normalizeEmail(changes.email);
      if (await this.users.emailTaken(emailNormalized)) throw new ConflictException('email is already registered');
      Object.assign(user, { email: changes.email.trim(), emailNormalized, emailVerified: changes.emailVerified ?? false });
    }
    if (changes.password !== undefined) user.passwordHash = await this.hasher.hash(changes.password);
    if (changes.name !== undefined) user.name = changes.name;
    if (changes.emailVerified !== undefined) user.emailVerified = changes.emailVerified;
    if (changes.roles !== undefined) user.roles = changes.roles;
    try {
      await this.users.save(user);
    } catch (error) {
      if (changes.email !== undefined && (await this.users.emailTaken(user.emailNormalized, id))) {
        throw new ConflictException('email is already registered');
      }
      throw error;
    }
    return user;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /**
   * The user whose email and password match, or null. A wrong email and a wrong password take
   * comparable time (the hasher verifies a dummy hash), so the answer reveals no accounts.
   */
  async verifyCredentials(email: string, password: string): Promise<User | null> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    const matches = await this.hasher.verify(user?.passwordHash, password);
    return user && matches ? user : null;
  }

  /** True when a user was deleted. */
  async delete(id: string): Promise<boolean> {
    return this.users.delete(id);
  }
}
