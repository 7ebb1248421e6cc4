/** What a denial names: a token family (`sid`), one token (`jti`), or everything of a subject (`sub`). */
export type DenialKind = 'sid' | 'jti' | 'sub';
export const DENIAL_KINDS: readonly DenialKind[] = ['sid', 'jti', 'sub'];

/** One event of the revocation feed: access tokens matching `kind`/`value` are refused until `exp`. */
export interface FeedEvent {
  /** The denial's sequence number: the SSE `id`, and what `Last-Event-ID` resumes after. */
  readonly seq: number;
  readonly kind: DenialKind;
  readonly value: string;
  /** Unix seconds after which every token the denial could match has expired. */
  readonly exp: number;
}

/** The SSE frame of one denial: `id` is its seq, `data` is `{"<kind>": value, "exp": …}`. */
export function formatFeedEvent(event: FeedEvent): string {
  const data = { [event.kind]: event.value, exp: event.exp };
  return `id: ${event.seq}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The denial in one event's `data`, or undefined when it is not one this version understands. */
export function parseFeedEventData(data: string): Omit<FeedEvent, 'seq'> | undefined {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null) return undefined;
  const kind = DENIAL_KINDS.find((name) => typeof event[name] === 'string');
  if (!kind || typeof event.exp !== 'number') return undefined;
  return { kind, value: event[kind] as string, exp: event.exp };
}
