import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AuditService } from './audit.service.js';
import { AuditPageDto, AuditSearchDto } from './dto/audit.dto.js';

@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  @Get()
  @RequireRole('editor')
  @ApiOperation({
    summary: 'Who changed what in the workspace, newest first',
    description:
      "One entry per change asked of the management API, refusals included: actor, time, route and target, the fields the request set (secrets redacted), the HTTP status. Entries cannot be changed or deleted; they are kept for the workspace's auditRetentionDays.",
  })
  @ApiOkResponse({ type: AuditPageDto })
  list(@Caller() caller: Principal, @Query() query: AuditSearchDto): Promise<AuditPageDto> {
    return this.audit.search(caller.workspaceId, query);
  }
}
