import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError } from '../../infra/http/errors.js';
import { WorkspaceEntity } from './workspace.entity.js';

@Injectable()
export class WorkspacesService {
  constructor(@InjectRepository(WorkspaceEntity) private readonly workspaces: Repository<WorkspaceEntity>) {}

  async get(id: string): Promise<WorkspaceEntity> {
    const workspace = await this.workspaces.findOne({ where: { id } });
    if (!workspace) throw new NotFoundError(`Workspace ${id} not found`);
    return workspace;
  }

  create(name: string): Promise<WorkspaceEntity> {
    return this.workspaces.save(this.workspaces.create({ name }));
  }

  /** The default workspace is the first one created. */
  findDefault(): Promise<WorkspaceEntity | null> {
    return this.workspaces.findOne({ where: {}, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async update(
    id: string,
    changes: Partial<Pick<WorkspaceEntity, 'name' | 'defaultTimezone' | 'defaultLocale' | 'auditRetentionDays'>>,
  ): Promise<WorkspaceEntity> {
    const workspace = await this.get(id);
    const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    if (Object.keys(given).length === 0) return workspace;
    await this.workspaces.update({ id }, given);
    return this.get(id);
  }
}
