const NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const known = new Map<string, boolean>();

/**
 * Whether `zone` is an IANA time zone name the runtime knows (`Europe/Paris`, `UTC`,
 * `America/Argentina/Buenos_Aires`). Offsets such as `+02:00` are not zones: they ignore DST.
 */
export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length > 64 || !NAME.test(zone)) return false;
  let valid = known.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    if (known.size >= 1024) known.clear();
    known.set(zone, valid);
  }
  return valid;
}
