/** Each user's notes, by the `sub` of their access token. In memory: the example is about access, not storage. */
export class NotesStore {
  private readonly notes = new Map<string, string[]>();

  list(sub: string): string[] {
    return this.notes.get(sub) ?? [];
  }

  add(sub: string, text: string): string[] {
    const notes = [...this.list(sub), text];
    this.notes.set(sub, notes);
    return notes;
  }
}
