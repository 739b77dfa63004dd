import { ApiError, errorMessage, readBody } from './fetcher.js';
import {
  type CreateJourneyDto,
  getJourneysCreateUrl,
  getJourneysGetUrl,
  getJourneysInvokeUrl,
  getJourneysListUrl,
  getJourneysPublishUrl,
  getJourneysRunsUrl,
  getProfilesEraseUrl,
  getProfilesGetUrl,
  getProfilesListUrl,
  getProfilesPatchUrl,
  getProfilesPutUrl,
  getRunsGetUrl,
  getSendSendUrl,
  type InvokedDto,
  type InvokeJourneyDto,
  type JourneyDto,
  type JourneysRunsParams,
  type JourneySummaryDto,
  type JourneyVersionDto,
  type ProfileDto,
  type ProfilePageDto,
  type ProfilesListParams,
  type ProfileWriteDto,
  type RunDetailDto,
  type RunPageDto,
  type SendBodyDto,
  type SendResponseDto,
} from './generated/itinera.js';

export interface ItineraOptions {
  /** Where Itinera answers, e.g. `https://itinera.example.com`. */
  baseUrl: string;
  /** A secret API key (`itn_sk_…`): everything but `track` and `identify`. Keep it on your servers. */
  secretKey?: string;
  /** A write key (`itn_wk_…`): `track` and `identify` (Segment's ingestion API). */
  writeKey?: string;
  /** Another `fetch` (a proxy agent, a test double of the network); the global one by default. */
  fetch?: typeof fetch;
}

/** Who an event is about: a known user, an anonymous visitor, or both (then they are merged). */
type Identity = { userId: string; anonymousId?: string } | { userId?: string; anonymousId: string };

export type TrackCall = Identity & {
  event: string;
  properties?: Record<string, unknown>;
  /** When it happened (ISO 8601); now by default. */
  timestamp?: string;
  /** Sent once whatever the retries: a repeated messageId is ignored. A new one by default. */
  messageId?: string;
  context?: Record<string, unknown>;
};

export type IdentifyCall = Identity & {
  traits?: Record<string, unknown>;
  timestamp?: string;
  messageId?: string;
  context?: Record<string, unknown>;
};

/**
 * The Itinera client for backends: events in (`track`, `identify`), messages out (`send`), and
 * profiles and journeys, each call on this instance's URL and keys (no global state), every
 * failure an `ApiError` with the server's status, message and body.
 *
 * ```ts
 * const itinera = new Itinera({ baseUrl: 'https://itinera.example.com', secretKey, writeKey });
 * await itinera.track({ userId: 'u1', event: 'signed_up', properties: { plan: 'trial' } });
 * ```
 */
export class Itinera {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ItineraOptions) {
    if (!options.baseUrl) throw new TypeError('Itinera: baseUrl is required, e.g. https://itinera.example.com');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /** Records an event of a user (`POST /v1/track`); journeys it triggers start for them. */
  async track(call: TrackCall): Promise<void> {
    await this.request('POST', '/v1/track', { ...call, messageId: call.messageId ?? globalThis.crypto.randomUUID() }, 'write');
  }

  /** Records who a user is and their traits (`POST /v1/identify`). */
  async identify(call: IdentifyCall): Promise<void> {
    await this.request('POST', '/v1/identify', { ...call, messageId: call.messageId ?? globalThis.crypto.randomUUID() }, 'write');
  }

  /** Sends a message through the delivery rules (`POST /send`, Courier's body); the answer's requestId finds its messages. */
  send(message: SendBodyDto['message'], options: { idempotencyKey?: string } = {}): Promise<SendResponseDto> {
    const headers: Record<string, string> = options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {};
    return this.request('POST', getSendSendUrl(), { message }, 'secret', headers);
  }

  readonly profiles = {
    get: (userId: string) => this.request<ProfileDto>('GET', getProfilesGetUrl(userId)),
    list: (params?: ProfilesListParams) => this.request<ProfilePageDto>('GET', getProfilesListUrl(params)),
    /** Creates the profile, or replaces its traits. */
    upsert: (userId: string, profile: ProfileWriteDto) => this.request<ProfileDto>('PUT', getProfilesPutUrl(userId), profile),
    /** Merges traits (null removes one) and adds contact points. */
    update: (userId: string, changes: ProfileWriteDto) => this.request<ProfileDto>('PATCH', getProfilesPatchUrl(userId), changes),
    /** Erases the profile with its events, messages and runs. */
    erase: (userId: string) => this.request<void>('DELETE', getProfilesEraseUrl(userId)),
  };

  readonly journeys = {
    list: () => this.request<JourneySummaryDto[]>('GET', getJourneysListUrl()),
    get: (id: string) => this.request<JourneyDto>('GET', getJourneysGetUrl(id)),
    create: (journey: CreateJourneyDto | Record<string, unknown>) => this.request<JourneyDto>('POST', getJourneysCreateUrl(), journey),
    publish: (id: string, note?: string) => this.request<JourneyVersionDto>('POST', getJourneysPublishUrl(id), note ? { note } : {}),
    /** Starts a run for a user (a journey with an API trigger). */
    invoke: (id: string, input: InvokeJourneyDto) => this.request<InvokedDto>('POST', getJourneysInvokeUrl(id), input),
    runs: (id: string, params?: JourneysRunsParams) => this.request<RunPageDto>('GET', getJourneysRunsUrl(id, params)),
    run: (runId: string) => this.request<RunDetailDto>('GET', getRunsGetUrl(runId)),
  };

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    key: 'secret' | 'write' = 'secret',
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
    if (key === 'write') {
      if (!this.options.writeKey) throw new TypeError('Itinera: track and identify need a writeKey (itn_wk_…)');
      headers.Authorization = `Basic ${btoa(`${this.options.writeKey}:`)}`;
    } else {
      if (!this.options.secretKey) throw new TypeError('Itinera: this call needs a secretKey (itn_sk_…)');
      headers.Authorization = `Bearer ${this.options.secretKey}`;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = await readBody(response);
    if (!response.ok) throw new ApiError(response.status, errorMessage(response, payload), payload);
    return payload as T;
  }
}
