import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { TOPIC_KEY } from './preference-rules.js';

/** What a signed preference link stands for. */
export interface LinkClaims {
  workspaceId: string;
  profileId: string;
  /** The topic of the message the link came with; null: the link unsubscribes from all non-required e-mail. */
  topicKey: string | null;
  messageId?: string;
  /** Absent: the link does not expire (unsubscribe links must keep working). */
  expiresAt?: Date;
}

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; problem: 'malformed' | 'signature' | 'expired' | 'workspace' };

/** The links and headers an e-mail carries (RFC 2369 List-Unsubscribe, RFC 8058 one-click). */
export interface UnsubscribeLinks {
  /** Link for the message body: a confirmation page; its button POSTs to the same URL. */
  unsubscribeUrl: string;
  /** The RFC 8058 one-click URL in List-Unsubscribe: a POST of `List-Unsubscribe=One-Click` unsubscribes. */
  oneClickUrl: string;
  /** The hosted preference page. */
  preferencesUrl: string;
  headers: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

const VERSION = 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN = 2048;

interface Payload {
  v: number;
  w: string;
  p: string;
  t: string | null;
  m?: string;
  x?: number;
}

/**
 * Signs and checks the tokens of preference and unsubscribe links, which work without login:
 * `<payload>.<signature>`, both base64url; the payload is JSON naming the workspace, profile,
 * topic, message and expiry; the signature is HMAC-SHA256 under a key derived from
 * ITINERA_SECRET by HKDF (distinct from the secret box's key), compared in constant time.
 */
export class PreferenceLinks {
  private readonly key: Buffer;
  private readonly baseUrl: string;

  constructor(secret: string, publicUrl: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'itinera', 'itinera preference links v1', 32));
    this.baseUrl = publicUrl.replace(/\/+$/, '');
  }

  sign(claims: LinkClaims): string {
    const payload: Payload = { v: VERSION, w: claims.workspaceId.toLowerCase(), p: claims.profileId.toLowerCase(), t: claims.topicKey };
    if (claims.messageId) payload.m = claims.messageId;
    if (claims.expiresAt) payload.x = Math.floor(claims.expiresAt.getTime() / 1000);
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${encoded}.${this.mac(encoded).toString('base64url')}`;
  }

  /** Checks a token; `workspaceId`, when given, must be the token's. */
  verify(token: string, options: { workspaceId?: string; now?: Date } = {}): LinkCheck {
    if (typeof token !== 'string' || token.length > MAX_TOKEN) return { ok: false, problem: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 2 || !BASE64URL.test(parts[0]) || !BASE64URL.test(parts[1])) return { ok: false, problem: 'malformed' };
    const given = Buffer.from(parts[1], 'base64url');
    const expected = this.mac(parts[0]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'signature' };
    const payload = parsePayload(parts[0]);
    if (!payload) return { ok: false, problem: 'malformed' };
    if (payload.x !== undefined && payload.x * 1000 <= (options.now ?? new Date()).getTime()) return { ok: false, problem: 'expired' };
    if (options.workspaceId !== undefined && options.workspaceId !== payload.w) return { ok: false, problem: 'workspace' };
    return {
      ok: true,
      claims: {
        workspaceId: payload.w,
        profileId: payload.p,
        topicKey: payload.t,
        ...(payload.m ? { messageId: payload.m } : {}),
        ...(payload.x !== undefined ? { expiresAt: new Date(payload.x * 1000) } : {}),
      },
    };
  }

  /** The links for one message; one token serves the confirmation page, one-click POST and preference page. */
  links(claims: LinkClaims): UnsubscribeLinks {
    const token = this.sign(claims);
    const unsubscribeUrl = `${this.baseUrl}/unsubscribe/${token}`;
    return {
      unsubscribeUrl,
      oneClickUrl: unsubscribeUrl,
      preferencesUrl: `${this.baseUrl}/preferences/${token}`,
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
  }

  private mac(encodedPayload: string): Buffer {
    return createHmac('sha256', this.key).update(encodedPayload).digest();
  }
}

function parsePayload(encoded: string): Payload | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  const valid =
    p.v === VERSION &&
    typeof p.w === 'string' &&
    UUID.test(p.w) &&
    typeof p.p === 'string' &&
    UUID.test(p.p) &&
    (p.t === null || (typeof p.t === 'string' && TOPIC_KEY.test(p.t))) &&
    (p.m === undefined || (typeof p.m === 'string' && p.m.length <= 200)) &&
    (p.x === undefined || (typeof p.x === 'number' && Number.isInteger(p.x)));
  return valid ? (p as unknown as Payload) : null;
}
