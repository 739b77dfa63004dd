import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('workspaces')
export class WorkspaceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', name: 'default_timezone', default: 'UTC' })
  defaultTimezone: string;

  @Column({ type: 'text', name: 'default_locale', nullable: true })
  defaultLocale: string | null;

  @Column({ type: 'integer', name: 'audit_retention_days', default: 365 })
  auditRetentionDays: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
