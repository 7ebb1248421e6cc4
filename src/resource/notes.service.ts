import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { Note } from './note.entity';

/** Notes, always scoped to their owner: no method reads or changes another user's note. */
@Injectable()
export class NotesService {
  constructor(
    @InjectRepository(Note) private readonly notes: Repository<Note>,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** The user's notes, oldest first. */
  list(userId: string): Promise<Note[]> {
    return this.notes.find({ where: { userId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async create(userId: string, text: string): Promise<Note> {
    const note = this.notes.create({ id: this.random.id(), userId, text, createdAt: this.clock.now() });
    await this.notes.insert(note);
    return note;
  }

  /** True when the user's note was deleted; another user's note counts as not found. */
  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.notes.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }
}
