import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Client } from './client.entity';

/** The `clients` table. */
@Injectable()
export class ClientsRepository {
  constructor(@InjectRepository(Client) private readonly clients: Repository<Client>) {}

  /** A new row (not yet stored) with the entity's defaults. */
  build(fields: Partial<Client>): Client {
    return this.clients.create(fields);
  }

  async insert(client: Client): Promise<void> {
    await this.clients.insert(client);
  }

  findById(clientId: string): Promise<Client | null> {
    return this.clients.findOneBy({ clientId });
  }

  /** A page of clients, oldest first. */
  async page(offset: number, limit: number): Promise<{ items: Client[]; total: number }> {
    const [items, total] = await this.clients.findAndCount({
      order: { createdAt: 'ASC', clientId: 'ASC' },
      skip: offset,
      take: limit,
    });
    return { items, total };
  }

  async save(client: Client): Promise<void> {
    await this.clients.save(client);
  }

  /** Applies `changes` only while the secret is still `current`; true when it did. */
  async updateIfSecretIs(clientId: string, current: string | null, changes: Partial<Client>): Promise<boolean> {
    const result = await this.clients
      .createQueryBuilder()
      .update(Client)
      .set(changes)
      .where('client_id = :clientId AND secret_hash = :current', { clientId, current })
      .execute();
    return result.affected === 1;
  }

  /** True when a client was deleted. */
  async delete(clientId: string): Promise<boolean> {
    const result = await this.clients.delete({ clientId });
    return (result.affected ?? 0) > 0;
  }

  /** Every client's id, name and scope, oldest first. */
  scopesOfAll(): Promise<Array<Pick<Client, 'clientId' | 'clientName' | 'scope'>>> {
    return this.clients.find({ select: { clientId: true, clientName: true, scope: true }, order: { createdAt: 'ASC' } });
  }
}
