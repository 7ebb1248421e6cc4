import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/** A registered resource server (RFC 8707): its identifier is the `aud` of the tokens issued for it. */
@Entity({ name: 'resources' })
@Index('uq_resources_identifier', ['identifier'], { unique: true })
export class Resource {
  @PrimaryColumn('varchar', { name: 'id', length: 64 })
  id: string;

  /** An absolute URI without fragment; unique. */
  @Column('varchar', { name: 'identifier', length: 2048 })
  identifier: string;

  @Column('varchar', { name: 'name', length: 200 })
  name: string;

  /** Overrides ACCESS_TOKEN_TTL for this resource's tokens; null keeps the server's. */
  @Column('integer', { name: 'access_token_ttl', nullable: true })
  accessTokenTtlSeconds: number | null;

  @TimeColumn('created_at')
  createdAt: Date;

  @TimeColumn('updated_at')
  updatedAt: Date;
}

/** One scope of a resource, with the sentence the consent page shows. A name belongs to one resource. */
@Entity({ name: 'resource_scopes' })
@Index('idx_resource_scopes_resource_id', ['resourceId'])
export class ResourceScope {
  /** The primary key: the store itself refuses a scope name on two resources. */
  @PrimaryColumn('varchar', { name: 'name', length: 128 })
  name: string;

  @Column('varchar', { name: 'resource_id', length: 64 })
  resourceId: string;

  @Column('varchar', { name: 'description', length: 500 })
  description: string;

  /** The order the scopes were given in. */
  @Column('integer', { name: 'position' })
  position: number;
}

/**
 * One row: the registry's version, bumped by every change in the same transaction, so each
 * instance can tell that its cached copy is stale. `version = 0` means never seeded.
 */
@Entity({ name: 'resource_registry' })
export class ResourceRegistryVersion {
  @PrimaryColumn('integer', { name: 'id' })
  id: number;

  @Column('integer', { name: 'version' })
  version: number;
}
