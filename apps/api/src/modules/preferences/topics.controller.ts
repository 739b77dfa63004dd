import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { CreateTopicDto, TopicDto, UpdateTopicDto } from './dto/topic.dto.js';
import { TopicsService } from './topics.service.js';

@ApiTags('topics')
@Controller('api/topics')
export class TopicsController {
  constructor(@Inject(TopicsService) private readonly topics: TopicsService) {}

  @Get()
  @ApiOperation({ summary: 'Preference topics of the workspace' })
  @ApiOkResponse({ type: [TopicDto] })
  list(@Caller() caller: Principal): Promise<TopicDto[]> {
    return this.topics.list(caller.workspaceId);
  }

  @Post()
  @ApiOperation({ summary: 'Create a topic with its default preference (opted_in, opted_out or required)' })
  @ApiCreatedResponse({ type: TopicDto })
  create(@Caller() caller: Principal, @Body() body: CreateTopicDto): Promise<TopicDto> {
    return this.topics.create(caller.workspaceId, body);
  }

  @Get(':key')
  @ApiOkResponse({ type: TopicDto })
  get(@Caller() caller: Principal, @Param('key') key: string): Promise<TopicDto> {
    return this.topics.get(caller.workspaceId, key);
  }

  @Patch(':key')
  @ApiOperation({ summary: 'Change a topic (its key stays)' })
  @ApiOkResponse({ type: TopicDto })
  update(@Caller() caller: Principal, @Param('key') key: string, @Body() body: UpdateTopicDto): Promise<TopicDto> {
    return this.topics.update(caller.workspaceId, key, body);
  }

  @Delete(':key')
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a topic; profiles' choices for its key are kept, so re-creating it keeps their opt-outs" })
  @ApiNoContentResponse()
  async remove(@Caller() caller: Principal, @Param('key') key: string): Promise<void> {
    await this.topics.remove(caller.workspaceId, key);
  }
}
