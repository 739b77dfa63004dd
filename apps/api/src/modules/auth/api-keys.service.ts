import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { NotFoundError } from '../../infra/http/errors.js';
import { ApiKeyEntity, type ApiKeyKind } from './api-key.entity.js';
import type { WorkspaceRole } from './roles.js';
import { generateApiKey, keyKind, sha256, visiblePrefix } from './secret-tokens.js';

export interface CreatedApiKey {
  apiKey: ApiKeyEntity;
  /** The key in clear: returned once, at creation, and never stored. */
  key: string;
}

const WRITE_KEY_CACHE_MS = 10_000;

@Injectable()
export class ApiKeysService {
  private readonly writeKeys = new Map<string, { apiKey: ApiKeyEntity; until: number }>();

  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  list(workspaceId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { workspaceId }, order: { createdAt: 'DESC' } });
  }

  async create(workspaceId: string, input: { name: string; kind: ApiKeyKind; role?: WorkspaceRole }): Promise<CreatedApiKey> {
    const key = generateApiKey(input.kind);
    return { apiKey: await this.store(workspaceId, input, key), key };
  }

  /**
   * Makes sure a key given in clear (ITINERA_BOOTSTRAP_*) exists in the workspace. Idempotent:
   * an existing key with the same hash is kept as it is.
   */
  async ensure(workspaceId: string, name: string, key: string, role?: WorkspaceRole): Promise<ApiKeyEntity> {
    const kind = keyKind(key);
    if (!kind) throw new Error(`${name}: not an Itinera key`);
    const existing = await this.keys.findOne({ where: { keyHash: sha256(key) } });
    if (existing) return existing;
    return this.store(workspaceId, { name, kind, role }, key);
  }

  async revoke(workspaceId: string, id: string): Promise<ApiKeyEntity> {
    const apiKey = await this.keys.findOne({ where: { id, workspaceId } });
    if (!apiKey) throw new NotFoundError(`API key ${id} not found in this workspace`);
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      for (const [hash, entry] of this.writeKeys) if (entry.apiKey.id === id) this.writeKeys.delete(hash);
      await this.keys.update({ id, workspaceId, revokedAt: IsNull() }, { revokedAt: apiKey.revokedAt });
    }
    return apiKey;
  }

  /**
   * The active key with this value, or null. Revoked keys never match. Write keys are looked up
   * on every ingestion request, so active ones are remembered for WRITE_KEY_CACHE_MS: a
   * revocation takes effect at once in the process that revoked it and within that time elsewhere.
   */
  async findActive(key: string, kind: ApiKeyKind): Promise<ApiKeyEntity | null> {
    if (keyKind(key) !== kind) return null;
    const hash = sha256(key);
    const cached = kind === 'write' ? this.writeKeys.get(hash) : undefined;
    if (cached && cached.until > Date.now()) return cached.apiKey;
    const apiKey = await this.keys.findOne({ where: { keyHash: hash, kind, revokedAt: IsNull() } });
    if (apiKey) {
      this.touch(apiKey);
      if (kind === 'write') {
        if (this.writeKeys.size >= 1000) this.writeKeys.clear();
        this.writeKeys.set(hash, { apiKey, until: Date.now() + WRITE_KEY_CACHE_MS });
      }
    }
    return apiKey;
  }

  private touch(apiKey: ApiKeyEntity): void {
    // Coarse (once a minute at most) and off the request path: a key's last use is informative only.
    void this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where("id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", { id: apiKey.id })
      .execute()
      .catch(() => undefined);
  }

  private store(workspaceId: string, input: { name: string; kind: ApiKeyKind; role?: WorkspaceRole }, key: string) {
    return this.keys.save(
      this.keys.create({
        workspaceId,
        name: input.name,
        kind: input.kind,
        role: input.kind === 'secret' ? (input.role ?? 'owner') : null,
        prefix: visiblePrefix(key),
        keyHash: sha256(key),
      }),
    );
  }
}
