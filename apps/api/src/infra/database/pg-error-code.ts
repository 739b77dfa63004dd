/** The SQLSTATE (or Node socket code) of a failed query, whether TypeORM wrapped the driver's error or not. */
export function pgErrorCode(error: unknown): string | undefined {
  const e = error as { driverError?: { code?: string }; code?: string } | undefined;
  return e?.driverError?.code ?? e?.code;
}
