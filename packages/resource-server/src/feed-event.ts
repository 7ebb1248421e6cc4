/**
 * What a denial names: a token family (`sid`), one token (`jti`), a subject's tokens issued
 * before the denial (`sub`), or every token of a deleted client, whenever issued (`client`,
 * matching the `client_id` claim).
 */
export type DenialKind = 'sid' | 'jti' | 'sub' | 'client';

/** The feed field of each kind; `client_id` first: a client's event also carries `sub`. */
const FEED_FIELDS: ReadonlyArray<readonly [field: string, kind: DenialKind]> = [
  ['client_id', 'client'],
  ['sid', 'sid'],
  ['jti', 'jti'],
  ['sub', 'sub'],
];

/** One event of the revocation feed: access tokens matching `kind`/`value` are refused until `exp`. */
export interface FeedEvent {
  /** The denial's sequence number: the SSE `id`, and what `Last-Event-ID` resumes after. */
  readonly seq: number;
  readonly kind: DenialKind;
  readonly value: string;
  /** Unix seconds after which every token the denial could match has expired. */
  readonly exp: number;
}

/**
 * The SSE frame of one denial: `id` is its seq, `data` is `{"<kind>": value, "exp": …}`. A
 * deleted client's denial is `{"client_id": id, "sub": id, "exp"}`: a follower that knows
 * `client_id` refuses every token of that client; one that only knows `sid`/`jti`/`sub` reads
 * it as a subject denial, which covers the client's client-credentials tokens (`sub` = client id).
 */
export function formatFeedEvent(event: FeedEvent): string {
  const data =
    event.kind === 'client' ? { client_id: event.value, sub: event.value, exp: event.exp } : { [event.kind]: event.value, exp: event.exp };
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
  const known = FEED_FIELDS.find(([field]) => typeof event[field] === 'string');
  if (!known || typeof event.exp !== 'number') return undefined;
  const [field, kind] = known;
  return { kind, value: event[field] as string, exp: event.exp };
}
