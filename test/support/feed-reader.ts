import { eventually } from './timing';

export interface FeedEvent {
  id: string;
  data: Record<string, unknown>;
}

/** A raw reader of the revocation feed (SSE): the events as they arrive. */
export class FeedReader {
  readonly events: FeedEvent[] = [];
  private readonly abort = new AbortController();
  private buffer = '';
  private done?: Promise<void>;

  static async open(baseUrl: string, authorization: string): Promise<FeedReader> {
    const reader = new FeedReader();
    const response = await fetch(`${baseUrl}/revocations/stream`, { headers: { Authorization: authorization }, signal: reader.abort.signal });
    if (!response.ok || !response.body) throw new Error(`the revocation feed answered ${response.status}`);
    reader.done = reader.pump(response.body);
    return reader;
  }

  /** Resolves once an event names `sid`, or rejects after `timeoutMs`. */
  async untilSid(sid: string, timeoutMs = 5000): Promise<FeedEvent> {
    await eventually(() => this.events.some((event) => event.data.sid === sid), timeoutMs);
    return this.events.find((event) => event.data.sid === sid)!;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done?.catch(() => undefined);
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of body) {
      this.buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) >= 0) {
        this.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 2);
      }
    }
  }

  private parse(block: string): void {
    let id: string | undefined;
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (id !== undefined && data !== undefined) this.events.push({ id, data: JSON.parse(data) as Record<string, unknown> });
  }
}
