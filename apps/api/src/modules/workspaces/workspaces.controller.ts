import { Body, Controller, Get, Inject, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UpdateWorkspaceDto, WorkspaceDto } from './dto/workspace.dto.js';
import { WorkspacesService } from './workspaces.service.js';

@ApiTags('workspace')
@Controller('api/workspace')
export class WorkspacesController {
  constructor(@Inject(WorkspacesService) private readonly workspaces: WorkspacesService) {}

  @Get()
  @ApiOperation({ summary: "The caller's workspace" })
  @ApiOkResponse({ type: WorkspaceDto })
  get(@Caller() caller: Principal): Promise<WorkspaceDto> {
    return this.workspaces.get(caller.workspaceId);
  }

  @Patch()
  @RequireRole('owner')
  @ApiOperation({ summary: 'Rename the workspace or change its default time zone, default locale or audit retention (owner)' })
  @ApiOkResponse({ type: WorkspaceDto })
  update(@Caller() caller: Principal, @Body() body: UpdateWorkspaceDto): Promise<WorkspaceDto> {
    return this.workspaces.update(caller.workspaceId, body);
  }
}
