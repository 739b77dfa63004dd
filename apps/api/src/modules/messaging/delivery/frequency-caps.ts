import type { EntityManager } from 'typeorm';
import type { FrequencyCap } from '../../settings/delivery-settings.js';

/** Statuses of messages that count against caps: handed (or being handed) to a provider. */
export const COUNTED_STATUSES = ['sending', 'unknown', 'sent', 'delivered', 'opened', 'clicked', 'bounced'];

/** A workspace cap (global or per channel), or a journey's own cap (counted over that journey's messages). */
export type CapRule =
  | (Omit<FrequencyCap, 'id'> & { id?: string })
  | { id?: string; scope: 'journey'; channel?: undefined; limit: number; windowSeconds: number; action: 'skip' | 'defer' };

export type CapDecision = { allowed: true } | { allowed: false; action: 'skip' | 'defer'; retryAt: Date; reason: string };

export interface CapQuery {
  profileId: string;
  channel: string;
  journeyId?: string | null;
  rules: CapRule[];
  cooldownSeconds?: number;
  now: Date;
}

/** Whether a rule counts messages of this channel (and journey). */
function ruleApplies(rule: CapRule, q: Pick<CapQuery, 'channel' | 'journeyId'>): boolean {
  if (rule.scope === 'channel' && rule.channel !== q.channel) return false;
  if (rule.scope === 'journey' && !q.journeyId) return false;
  return true;
}

/** Whether any rule or the cooldown would count this message: when none would, no count and no lock are needed. */
export function capsApply(q: Omit<CapQuery, 'profileId' | 'now'>): boolean {
  return (q.cooldownSeconds ?? 0) > 0 || q.rules.some((rule) => ruleApplies(rule, q));
}

/**
 * Evaluates frequency caps and the cooldown for one more message to a profile. Must run inside
 * the transaction that holds the profile's delivery lock (`deliveryLockSql`, taken by `MessageStore.claim`) and that
 * then marks the message `sending`, so concurrent senders — in any worker process — see it:
 * caps hold exactly.
 */
export async function checkFrequencyCaps(m: EntityManager, q: CapQuery): Promise<CapDecision> {
  for (const rule of q.rules) {
    if (!ruleApplies(rule, q)) continue;
    const filters = ['profile_id = $1', 'sending_at > $2', 'NOT cap_exempt', 'status = ANY($3)'];
    const params: unknown[] = [q.profileId, new Date(q.now.getTime() - rule.windowSeconds * 1000), COUNTED_STATUSES, rule.limit - 1];
    if (rule.scope === 'channel') filters.push(`channel = $${params.push(q.channel)}`);
    if (rule.scope === 'journey') filters.push(`journey_id = $${params.push(q.journeyId)}`);
    const rows: Array<{ sending_at: Date }> = await m.query(
      `SELECT sending_at FROM messages WHERE ${filters.join(' AND ')} ORDER BY sending_at DESC OFFSET $4 LIMIT 1`,
      params,
    );
    if (rows.length > 0) {
      const label = rule.id ?? `${rule.scope}${rule.channel ? `:${rule.channel}` : ''}`;
      return {
        allowed: false,
        action: rule.action,
        retryAt: new Date(new Date(rows[0].sending_at).getTime() + rule.windowSeconds * 1000),
        reason: `frequency cap ${label}: at most ${rule.limit} per ${rule.windowSeconds}s`,
      };
    }
  }
  if (q.cooldownSeconds && q.cooldownSeconds > 0) {
    const rows: Array<{ sending_at: Date }> = await m.query(
      `SELECT sending_at FROM messages WHERE profile_id = $1 AND NOT cap_exempt AND status = ANY($2) AND sending_at > $3 ORDER BY sending_at DESC LIMIT 1`,
      [q.profileId, COUNTED_STATUSES, new Date(q.now.getTime() - q.cooldownSeconds * 1000)],
    );
    if (rows.length > 0) {
      return {
        allowed: false,
        action: 'defer',
        retryAt: new Date(new Date(rows[0].sending_at).getTime() + q.cooldownSeconds * 1000),
        reason: `cooldown: ${q.cooldownSeconds}s between messages to a profile`,
      };
    }
  }
  return { allowed: true };
}

/**
 * The SQL expression that serialises delivery decisions for one profile (the text parameter
 * `profileParam`) across transactions and processes, until the transaction ends.
 */
export const deliveryLockSql = (profileParam: string) => `pg_advisory_xact_lock(hashtextextended('delivery:' || ${profileParam}, 0))`;
