import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Note } from './note.entity';

/** The `notes` table; every method is scoped to one owner. */
@Injectable()
export class NotesRepository {
  constructor(@InjectRepository(Note) private readonly notes: Repository<Note>) {}

  /** The user's notes, oldest first. */
  listOf(userId: string): Promise<Note[]> {
    return this.notes.find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async insert(fields: Pick<Note, 'id' | 'userId' | 'text' | 'createdAt'>): Promise<Note> {
    const note = this.notes.create(fields);
    await this.notes.insert(note);
    return note;
  }

  /** True when the user's note was deleted. */
  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.notes.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
