import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { EventPageDto, EventSearchDto } from './dto/profile.dto.js';
import { ProfilesService } from './profiles.service.js';

@ApiTags('events')
@Controller('api/events')
export class EventsController {
  constructor(@Inject(ProfilesService) private readonly profiles: ProfilesService) {}

  @Get()
  @ApiOperation({ summary: 'Events of the workspace, newest first, filtered by name, type, user and time; cursor pagination' })
  @ApiOkResponse({ type: EventPageDto })
  list(@Caller() caller: Principal, @Query() query: EventSearchDto): Promise<EventPageDto> {
    return this.profiles.events(caller.workspaceId, query);
  }
}
