import type { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import type { DatabaseConfig } from '../config/app-config';

/** sqlite has no push: poll this often, so another instance's change lands within the second. */
const SQLITE_POLL_MS = 200;
/** On PostgreSQL NOTIFY pushes; the poll only covers a dropped listener connection. */
const POSTGRES_SAFETY_POLL_MS = 5_000;
const LISTEN_RETRY_MAX_MS = 10_000;

export interface ChangeListenerOptions {
  /** The PostgreSQL channel the writers NOTIFY on commit. */
  channel: string;
  /** What follows the store, for the log: `<what> listener lost: …`. */
  what: string;
  logger: Logger;
  /** The prefix of the listening connection's `application_name` (a random suffix is added). */
  applicationNamePrefix: string;
  /** A notification arrived: read what changed. */
  onNotification: () => void;
  /** The connection is (re)established: read whatever was announced while no one listened. */
  onListening: () => void;
  /** Every poll interval: read what changed, if anything. */
  poll: () => unknown;
}

/**
 * How an instance follows a table that other instances write: LISTEN on a dedicated
 * PostgreSQL connection (reconnecting with backoff when it is lost) plus a slow safety poll,
 * or, on sqlite, which has no push, a fast poll. Used by repositories only.
 */
export class ChangeListener {
  /** The PostgreSQL `application_name` of the LISTEN connection, for operators. */
  readonly applicationName: string;
  private listener?: PgClient;
  private retryMs = 250;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly database: DatabaseConfig,
    private readonly options: ChangeListenerOptions,
  ) {
    this.applicationName = `${options.applicationNamePrefix}-${randomBytes(4).toString('hex')}`;
  }

  /** Starts listening (PostgreSQL) and polling. */
  async start(): Promise<void> {
    const postgres = this.database.type === 'postgres';
    if (postgres) await this.listen();
    this.timer = setInterval(() => void this.options.poll(), postgres ? POSTGRES_SAFETY_POLL_MS : SQLITE_POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
  }

  /** Whether changes are pushed now: on PostgreSQL the LISTEN connection is up; sqlite always polls. */
  isUp(): boolean {
    return this.database.type !== 'postgres' || this.listener !== undefined;
  }

  /** A dedicated connection that LISTENs; on loss it reconnects with backoff. */
  private async listen(): Promise<void> {
    const database = this.database;
    if (database.type !== 'postgres' || this.stopped) return;
    const client = new PgClient({
      connectionString: database.url,
      application_name: this.applicationName,
      ...(database.schema ? { options: `-c search_path=${database.schema}` } : {}),
    });
    let lost = false;
    const onLost = (reason: string) => {
      if (lost || this.stopped) return;
      lost = true;
      this.options.logger.warn(`${this.options.what} listener lost: ${reason}`);
      void client.end().catch(() => undefined);
      this.scheduleListen();
    };
    client.on('notification', () => this.options.onNotification());
    client.on('error', (error) => onLost(error.message));
    client.on('end', () => onLost('connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
      this.listener = client;
      this.retryMs = 250;
      this.options.onListening();
    } catch (error) {
      onLost(`could not start: ${String(error)}`);
    }
  }

  private scheduleListen(): void {
    if (this.stopped) return;
    this.listener = undefined;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, LISTEN_RETRY_MAX_MS);
    const timer = setTimeout(() => void this.listen(), delay);
    timer.unref();
  }
}
