import { eventually } from './timing';

export interface FeedEvent {
  id: string;
  data: Record<string, unknown>;
}

/** A raw reader of the revocation feed (SSE): the events and comment lines as they arrive. */
export class FeedReader {
  readonly events: FeedEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  contentType = '';
  headers = new Headers();
  private readonly abort = new AbortController();
  private buffer = '';
  private done?: Promise<void>;

  /** Opens the feed with these headers, whatever it answers: `status` says how it went. */
  static async open(baseUrl: string, headers: Record<string, string>): Promise<FeedReader> {
    const reader = new FeedReader();
    const response = await fetch(`${baseUrl}/revocations/stream`, { headers, signal: reader.abort.signal });
    reader.status = response.status;
    reader.contentType = response.headers.get('content-type') ?? '';
    reader.headers = response.headers;
    if (response.ok && response.body) reader.done = reader.pump(response.body);
    else await response.body?.cancel();
    return reader;
  }

  /** Follows the feed as a registered client; throws unless it answers `200`. */
  static async follow(baseUrl: string, authorization: string): Promise<FeedReader> {
    const reader = await FeedReader.open(baseUrl, { Authorization: authorization });
    if (reader.status !== 200) throw new Error(`the revocation feed answered ${reader.status}`);
    return reader;
  }

  /** Resolves once `predicate` holds, or rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    return eventually(predicate, timeoutMs);
  }

  /** Resolves once an event names `sid`, or rejects after `timeoutMs`. */
  async untilSid(sid: string, timeoutMs = 5000): Promise<FeedEvent> {
    await this.until(() => this.events.some((event) => event.data.sid === sid), timeoutMs);
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
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (id !== undefined && data !== undefined) this.events.push({ id, data: JSON.parse(data) as Record<string, unknown> });
  }
}
