import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { WorkspaceRole } from './roles.js';

export type ApiKeyKind = 'write' | 'secret';

/** A write key (ingestion) or secret key (management). Only the SHA-256 of the key is stored. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'workspace_id' })
  workspaceId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: ApiKeyKind;

  /** Role a secret key acts with; null for write keys. */
  @Column({ type: 'text', nullable: true })
  role: WorkspaceRole | null;

  /** The first characters of the key, shown so people can tell keys apart. */
  @Column({ type: 'text' })
  prefix: string;

  @Column({ type: 'text', name: 'key_hash', select: false })
  keyHash: string;

  /** Browser origins a write key may be used from (`https://app.example.com`, `https://*.example.com`); null: any. */
  @Column({ type: 'text', array: true, name: 'allowed_origins', nullable: true })
  allowedOrigins: string[] | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
