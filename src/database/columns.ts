import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Times are stored as epoch milliseconds in a `bigint` column: the same on sqlite and
 * PostgreSQL, free of time zones, and comparable in a plain `WHERE expires_at > :now`
 * (pass `date.getTime()` as the parameter).
 */
export const epochMs: ValueTransformer = {
  // Anything but a Date (null, a FindOperator such as IsNull()) passes through untouched.
  to: (value?: unknown) => (value instanceof Date ? value.getTime() : value),
  // PostgreSQL hands `bigint` back as a string.
  from: (value?: string | number | null) => (value == null ? value : new Date(Number(value))),
};

export function TimeColumn(name: string, options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column('bigint', { name, transformer: epochMs, nullable: options.nullable ?? false });
}

/** Lists stored as JSON text: redirect URIs, grant types. */
export const jsonText: ValueTransformer = {
  to: (value?: unknown) => (value === undefined ? value : JSON.stringify(value)),
  from: (value?: string | null) => (value == null ? value : JSON.parse(value)),
};
