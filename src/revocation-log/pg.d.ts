// The parts of `pg` this project calls directly (the package ships no types, and TypeORM
// wraps the rest): a dedicated LISTEN connection, and the tests' schema housekeeping.
declare module 'pg' {
  export interface ClientConfig {
    connectionString?: string;
    options?: string;
    application_name?: string;
  }
  export interface Notification {
    channel: string;
    payload?: string;
  }
  export class Client {
    constructor(config?: ClientConfig | string);
    connect(): Promise<void>;
    query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
    end(): Promise<void>;
    on(event: 'notification', listener: (message: Notification) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'end', listener: () => void): this;
  }
}
