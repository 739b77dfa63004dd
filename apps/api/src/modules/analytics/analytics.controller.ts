import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AnalyticsQueryDto, JourneyAnalyticsDto } from './analytics.dto.js';
import { AnalyticsService } from './analytics.service.js';

@ApiTags('journeys')
@Controller('api/journeys/:id/analytics')
export class AnalyticsController {
  constructor(@Inject(AnalyticsService) private readonly analytics: AnalyticsService) {}

  @Get()
  @ApiOperation({
    summary:
      "A journey's analytics over a range: entries, per-node counts and port splits, waiting now, goal conversion, send funnels, last touch, split variants",
    description: 'From aggregates kept up to date as steps and messages are recorded (a second or two behind).',
  })
  @ApiOkResponse({ type: JourneyAnalyticsDto })
  journey(@Caller() caller: Principal, @Param('id') id: string, @Query() query: AnalyticsQueryDto): Promise<JourneyAnalyticsDto> {
    return this.analytics.journey(caller.workspaceId, id, query);
  }
}
