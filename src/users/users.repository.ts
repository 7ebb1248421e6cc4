import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, Repository } from 'typeorm';
import { PreparedRows } from '../database/prepared-rows';
import { User } from './user.entity';

/** The `users` table. */
@Injectable()
export class UsersRepository implements BeforeApplicationShutdown {
  // The code flow reads the user by id twice (sign-in check, ID token): prepared once.
  private readonly prepared: PreparedRows<User>;
  private readonly byId: (id: string) => Promise<User | null>;

  constructor(@InjectRepository(User) private readonly users: Repository<User>) {
    this.prepared = new PreparedRows(users);
    this.byId = this.prepared.findOneBy('id');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.prepared.finalize();
  }

  /** A new row (not yet stored) with the entity's defaults. */
  build(fields: Partial<User>): User {
    return this.users.create(fields);
  }

  async insert(user: User): Promise<void> {
    await this.users.insert(user);
  }

  async save(user: User): Promise<void> {
    await this.users.save(user);
  }

  /** True when some user other than `exceptId` has this normalized email. */
  emailTaken(emailNormalized: string, exceptId?: string): Promise<boolean> {
    return this.users.existsBy(exceptId === undefined ? { emailNormalized } : { emailNormalized, id: Not(exceptId) });
  }

  /** A page of users, oldest first. */
  async page(offset: number, limit: number): Promise<{ items: User[]; total: number }> {
    const [items, total] = await this.users.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
    return { items, total };
  }

  findById(id: string): Promise<User | null> {
    return this.byId(id);
  }

  findByEmail(emailNormalized: string): Promise<User | null> {
    return this.users.findOneBy({ emailNormalized });
  }

  /** True when a user was deleted. */
  async delete(id: string): Promise<boolean> {
    const result = await this.users.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
