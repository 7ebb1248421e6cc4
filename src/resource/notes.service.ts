import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { Note } from './note.entity';
import { NotesRepository } from './notes.repository';

/** Notes, always scoped to their owner: no method reads or changes another user's note. */
@Injectable()
export class NotesService {
  constructor(
    private readonly notes: NotesRepository,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  /** The user's notes, oldest first. */
  list(userId: string): Promise<Note[]> {
    return this.notes.listOf(userId);
  }

  create(userId: string, text: string): Promise<Note> {
    return this.notes.insert({ id: this.random.id(), userId, text, createdAt: this.clock.now() });
  }

  /** True when the user's note was deleted; another user's note counts as not found. */
  delete(userId: string, id: string): Promise<boolean> {
    return this.notes.delete(userId, id);
  }
}
