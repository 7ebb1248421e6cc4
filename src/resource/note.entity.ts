import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimeColumn } from '../database/columns';

/** A note of the demo resource API; only its owner sees it. */
@Entity({ name: 'notes' })
// A user's notes, in order.
@Index('idx_notes_user_id_created_at', ['userId', 'createdAt'])
export class Note {
  @PrimaryColumn('varchar', { name: 'id', length: 64 })
  id: string;

  @Column('varchar', { name: 'user_id', length: 64 })
  userId: string;

  @Column('text', { name: 'text' })
  text: string;

  @TimeColumn('created_at')
  createdAt: Date;
}
