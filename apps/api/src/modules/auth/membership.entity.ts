import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { WorkspaceRole } from './roles.js';

@Entity('memberships')
export class MembershipEntity {
  @PrimaryColumn({ type: 'uuid', name: 'workspace_id' })
  workspaceId: string;

  @PrimaryColumn({ type: 'uuid', name: 'user_id' })
  userId: string;

  @Column({ type: 'text' })
  role: WorkspaceRole;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
