import { Inject, Injectable } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { TooManyRequestsError } from '../../infra/http/errors.js';
import { sha256 } from './secret-tokens.js';

/** One in this many reservations also deletes expired windows. */
const CLEAN_UP_EVERY = 100;

/**
 * Sign-in limits, held in PostgreSQL so every API process counts the same attempts: at most
 * ITINERA_LOGIN_ACCOUNT_ATTEMPTS per e-mail address (known or not, so a limit tells nothing about
 * which addresses have accounts; a successful sign-in starts the count over) and at most
 * ITINERA_LOGIN_ADDRESS_ATTEMPTS per client address (an IPv6 client by its /64), in fixed windows of
 * ITINERA_LOGIN_WINDOW_SECONDS. An attempt is counted before its password is hashed, so a refused
 * one costs no argon2 work and concurrent attempts cannot overshoot.
 */
@Injectable()
export class LoginLimiter {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Counts an attempt; throws TooManyRequestsError (with Retry-After) when either limit is reached. */
  async reserve(email: string, clientAddress: string | undefined): Promise<void> {
    const keys = [accountKey(email), `address:${addressKey(clientAddress)}`].sort();
    const rows: Array<{ key: string; attempts: number; retry_after: number }> = await this.dataSource.query(
      `INSERT INTO login_attempts AS a (key, window_started_at, attempts)
       SELECT k, now(), 1 FROM unnest($1::text[]) k
       ON CONFLICT (key) DO UPDATE SET
         window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $2) THEN now() ELSE a.window_started_at END,
         attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $2) THEN 1 ELSE a.attempts + 1 END
       RETURNING key, attempts, greatest(1, ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - now())))::int AS retry_after`,
      [keys, this.config.ITINERA_LOGIN_WINDOW_SECONDS],
    );
    if (Math.random() * CLEAN_UP_EVERY < 1) await this.deleteExpired();
    const limitOf = (key: string) =>
      key.startsWith('account:') ? this.config.ITINERA_LOGIN_ACCOUNT_ATTEMPTS : this.config.ITINERA_LOGIN_ADDRESS_ATTEMPTS;
    const exceeded = rows.filter((row) => row.attempts > limitOf(row.key));
    if (exceeded.length > 0) {
      const retryAfter = Math.max(...exceeded.map((row) => row.retry_after));
      throw new TooManyRequestsError(`Too many sign-in attempts; try again in ${retryAfter} seconds`, retryAfter);
    }
  }

  /** A successful sign-in: the account's count starts over (the address's does not). */
  async succeeded(email: string): Promise<void> {
    await this.dataSource.query('DELETE FROM login_attempts WHERE key = $1', [accountKey(email)]);
  }

  private async deleteExpired(): Promise<void> {
    await this.dataSource.query('DELETE FROM login_attempts WHERE window_started_at < now() - make_interval(secs => $1)', [
      this.config.ITINERA_LOGIN_WINDOW_SECONDS,
    ]);
  }
}

/**
 * The client address as counted: IPv4 as it is, IPv6 by its /64 (one subscriber's or host's
 * network: an attacker there has billions of addresses), IPv4-mapped IPv6 as IPv4.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1];
  if (isIPv6(bare)) {
    const [head, tail = ''] = bare.split('::');
    const groups = (part: string) => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
    const [start, end] = [groups(head), bare.includes('::') ? groups(tail) : []];
    const full = [...start, ...new Array<string>(Math.max(0, 8 - start.length - end.length)).fill('0'), ...end];
    return `${full
      .slice(0, 4)
      .map((g) => parseInt(g, 16).toString(16))
      .join(':')}::/64`;
  }
  return bare;
}

/** Hashed: the table keeps no e-mail addresses, and typed ones that match no account least of all. */
function accountKey(email: string): string {
  return `account:${sha256(email.trim().toLowerCase())}`;
}
