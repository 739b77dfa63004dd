/**
 * A timestamptz from a column or parameter holding epoch milliseconds; whole seconds and
 * milliseconds apart, so exact up to year 9999. Rows read from a jsonb parameter carry times this
 * way: a Date in the rows (its toJSON) would take JSON.stringify off its fast path.
 */
export const fromEpochMs = (column: string) => `(to_timestamp(${column} / 1000) + (${column} % 1000) * interval '1 millisecond')`;
