import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Client as PgClient } from 'pg';
import * as sqlite3 from 'sqlite3';

/** One statement a driver was asked to run. */
export interface CountedStatement {
  sql: string;
  /** Issued while a request was being handled (or by work a request started). */
  inRequest: boolean;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const requestScope = new AsyncLocalStorage<true>();

/**
 * Counts every statement the app runs, at the bottom of both drivers: each execution of a
 * `sqlite3.Statement` (TypeORM's `Database#run/all` create one per call; prepared statements
 * are reused) and `Database#exec`, and every `pg` `Client#query` (TypeORM's query runners, the
 * pool's named statements, the LISTEN connection). Requests to `server` are marked with an
 * AsyncLocalStorage scope, so a statement a timer runs (the revocation log's poll, a sweep)
 * is told apart from one a request caused.
 */
export class StatementCounter {
  private readonly statements: CountedStatement[] = [];
  private readonly undo: Array<() => void> = [];

  private constructor() {}

  /** Starts counting; `server` is the app's HTTP server, whose requests are marked. */
  static start(server: Server): StatementCounter {
    const counter = new StatementCounter();
    const record = (sql: unknown) => counter.statements.push({ sql: String(sql).replace(/\s+/g, ' ').trim(), inRequest: requestScope.getStore() === true });
    const statementPrototype = sqlite3.Statement.prototype as unknown as Record<string, AnyFunction>;
    for (const method of ['run', 'all', 'get', 'each']) {
      counter.patch(statementPrototype, method, function () {
        record((this as { sql: string }).sql);
      });
    }
    counter.patch(sqlite3.Database.prototype as unknown as Record<string, AnyFunction>, 'exec', (sql) => record(sql));
    counter.patch(PgClient.prototype as unknown as Record<string, AnyFunction>, 'query', (config) =>
      record(typeof config === 'string' ? config : (config as { text: string }).text),
    );
    const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    const marked = (req: IncomingMessage, res: ServerResponse) => requestScope.run(true, () => listeners.forEach((listener) => listener.call(server, req, res)));
    server.removeAllListeners('request');
    server.on('request', marked);
    counter.undo.push(() => {
      server.removeListener('request', marked);
      for (const listener of listeners) server.on('request', listener);
    });
    return counter;
  }

  /** The statements issued while requests were handled, since the start or the last `reset`. */
  inRequests(): string[] {
    return this.statements.filter((statement) => statement.inRequest).map((statement) => statement.sql);
  }

  /** Every statement, timers' included. */
  all(): CountedStatement[] {
    return [...this.statements];
  }

  reset(): void {
    this.statements.length = 0;
  }

  stop(): void {
    for (const undo of this.undo.splice(0).reverse()) undo();
  }

  private patch(target: Record<string, AnyFunction>, method: string, before: (this: unknown, ...args: unknown[]) => void): void {
    const original = target[method];
    target[method] = function (this: unknown, ...args: unknown[]) {
      before.apply(this, args);
      return original.apply(this, args);
    };
    this.undo.push(() => {
      target[method] = original;
    });
  }
}
