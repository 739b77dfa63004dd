import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, ForbiddenError, NotFoundError } from '../../infra/http/errors.js';
import { MembershipEntity } from './membership.entity.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { WorkspaceRole } from './roles.js';
import { UserEntity } from './user.entity.js';

export interface Member {
  userId: string;
  email: string;
  role: WorkspaceRole;
  createdAt: Date;
}

/** Admin users and their roles in workspaces. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
  ) {}

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { email: email.trim().toLowerCase() } });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  /** Creates the user, or sets the password of an existing one when `resetPassword` is true. */
  async upsert(email: string, password: string, resetPassword: boolean): Promise<{ user: UserEntity; created: boolean }> {
    const existing = await this.findByEmail(email);
    if (existing) {
      if (resetPassword && !(await verifyPassword(existing.passwordHash, password))) {
        existing.passwordHash = await hashPassword(password);
        await this.users.update({ id: existing.id }, { passwordHash: existing.passwordHash });
      }
      return { user: existing, created: false };
    }
    const user = await this.users.save(
      this.users.create({ email: email.trim().toLowerCase(), passwordHash: await hashPassword(password) }),
    );
    return { user, created: true };
  }

  async membership(workspaceId: string, userId: string): Promise<MembershipEntity | null> {
    return this.memberships.findOne({ where: { workspaceId, userId } });
  }

  /** The workspace a fresh login lands in: the oldest membership. */
  async firstMembership(userId: string): Promise<MembershipEntity | null> {
    return this.memberships.findOne({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  async grant(workspaceId: string, userId: string, role: WorkspaceRole): Promise<void> {
    await this.memberships.upsert({ workspaceId, userId, role }, ['workspaceId', 'userId']);
  }

  async listMembers(workspaceId: string): Promise<Member[]> {
    const rows = await this.memberships
      .createQueryBuilder('m')
      .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
      .select(['m.user_id AS "userId"', 'u.email AS email', 'm.role AS role', 'm.created_at AS "createdAt"'])
      .where('m.workspace_id = :workspaceId', { workspaceId })
      .orderBy('m.created_at', 'ASC')
      .getRawMany<Member>();
    return rows;
  }

  async addMember(workspaceId: string, input: { email: string; password: string; role: WorkspaceRole }): Promise<Member> {
    const { user } = await this.upsert(input.email, input.password, false);
    if (await this.membership(workspaceId, user.id)) {
      throw new ConflictError(`${user.email} is already a member of this workspace`);
    }
    await this.grant(workspaceId, user.id, input.role);
    return (await this.listMembers(workspaceId)).find((m) => m.userId === user.id)!;
  }

  async changeRole(workspaceId: string, userId: string, role: WorkspaceRole): Promise<Member> {
    const membership = await this.requireMembership(workspaceId, userId);
    if (membership.role === 'owner' && role !== 'owner') await this.assertAnotherOwner(workspaceId, userId);
    await this.memberships.update({ workspaceId, userId }, { role });
    return (await this.listMembers(workspaceId)).find((m) => m.userId === userId)!;
  }

  async removeMember(workspaceId: string, userId: string): Promise<void> {
    const membership = await this.requireMembership(workspaceId, userId);
    if (membership.role === 'owner') await this.assertAnotherOwner(workspaceId, userId);
    await this.memberships.delete({ workspaceId, userId });
  }

  private async requireMembership(workspaceId: string, userId: string): Promise<MembershipEntity> {
    const membership = await this.membership(workspaceId, userId);
    if (!membership) throw new NotFoundError(`User ${userId} is not a member of this workspace`);
    return membership;
  }

  private async assertAnotherOwner(workspaceId: string, userId: string): Promise<void> {
    const owners = await this.memberships.count({ where: { workspaceId, role: 'owner' } });
    if (owners <= 1) {
      throw new ForbiddenError(`User ${userId} is the workspace's last owner; make someone else owner first`);
    }
  }
}
