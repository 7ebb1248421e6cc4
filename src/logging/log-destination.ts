import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/** Lines are gathered until this many bytes are waiting, then written with one system call. */
const BUFFER_BYTES = 4096;

/** What is waiting is written at least this often, however quiet the server. */
const FLUSH_INTERVAL_MS = 100;

let destination: Destination | undefined;

/**
 * Standard output, written asynchronously and in batches: a request's log line is added to a
 * buffer that is written in the background once it holds 4 KiB, or after at most 100 ms, so
 * one write carries many lines instead of one system call per line. What is still waiting is
 * written synchronously when the process exits (a signal, `process.exit`, a crash), after
 * every `fatal` line, and when `flush()` is called (main.ts does so after its start and
 * shutdown lines). One destination per process, however many apps it starts.
 */
export function logDestination(): Destination {
  if (destination) return destination;
  const opened = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES, periodicFlush: FLUSH_INTERVAL_MS });
  process.once('exit', () => flush(opened));
  destination = opened;
  return opened;
}

/** Writes what is queued now; never throws (the destination may not be open yet, or be gone). */
export function flush(stream: Destination | undefined = destination): void {
  try {
    stream?.flushSync();
  } catch {
    // Nothing more can be done with a destination that cannot be written.
  }
}

/** pino's `hooks.logMethod`: a `fatal` line reaches the destination before anything else happens. */
export function flushAfterFatal(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn, level: number): void {
  method.apply(this, args);
  if (level >= FATAL) flush();
}

const FATAL = pino.levels.values.fatal;
