import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

let destination: Destination | undefined;

/**
 * Standard output, written asynchronously: a request's log line is queued and written in the
 * background instead of blocking the request on a write to stdout. What is still queued is
 * written synchronously when the process exits (a signal, `process.exit`, a crash) and after
 * every `fatal` line. One destination per process, however many apps it starts.
 */
export function logDestination(): Destination {
  if (destination) return destination;
  const opened = pino.destination({ dest: 1, sync: false });
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
  if (level >= pino.levels.values.fatal) flush();
}
