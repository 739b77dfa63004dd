import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ProfileRunPageDto, ProfileRunQueryDto } from './dto/profile-runs.dto.js';
import { ProfileRuns } from './profile-runs.js';
import { ProfilesService } from '../profiles/profiles.service.js';

@ApiTags('profiles')
@Controller('api/profiles/:userId/runs')
export class ProfileRunsController {
  constructor(
    @Inject(ProfilesService) private readonly profiles: ProfilesService,
    @Inject(ProfileRuns) private readonly runs: ProfileRuns,
  ) {}

  @Get()
  @ApiOperation({ summary: "A profile's journey runs across journeys, newest first, with the step each is at; cursor pagination" })
  @ApiOkResponse({ type: ProfileRunPageDto })
  async list(@Caller() caller: Principal, @Param('userId') userId: string, @Query() query: ProfileRunQueryDto): Promise<ProfileRunPageDto> {
    await this.profiles.assertExists(caller.workspaceId, userId);
    return this.runs.list(caller.workspaceId, userId, query);
  }
}
