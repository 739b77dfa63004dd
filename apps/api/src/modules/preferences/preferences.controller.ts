import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ProfilePreferencesDto, SetTopicPreferenceDto, SetUnsubscribedChannelsDto, TopicPreferenceDto } from './dto/preferences.dto.js';
import { PreferencesService } from './preferences.service.js';

@ApiTags('preferences')
@Controller('api/profiles/:userId/preferences')
export class PreferencesController {
  constructor(@Inject(PreferencesService) private readonly preferences: PreferencesService) {}

  @Get()
  @ApiOperation({
    summary: "Every topic with its default, the profile's choices (topic-wide and per channel) and what applies on each channel",
  })
  @ApiOkResponse({ type: ProfilePreferencesDto })
  get(@Caller() caller: Principal, @Param('userId') userId: string): Promise<ProfilePreferencesDto> {
    return this.preferences.forUser(caller.workspaceId, userId);
  }

  @Put()
  @ApiOperation({
    summary: 'Set the channels on which the profile gets nothing but required topics (undoes a one-click unsubscribe from all e-mail)',
  })
  @ApiOkResponse({ type: ProfilePreferencesDto })
  setUnsubscribedChannels(
    @Caller() caller: Principal,
    @Param('userId') userId: string,
    @Body() body: SetUnsubscribedChannelsDto,
  ): Promise<ProfilePreferencesDto> {
    return this.preferences.setUnsubscribedChannels(caller.workspaceId, userId, body.unsubscribedChannels);
  }

  @Put(':topicKey')
  @ApiOperation({
    summary: "Replace the profile's choices for one topic",
    description:
      '`status` applies to the whole topic, `channels` per channel (they win over `status`); whatever is left out follows the topic default. Required topics ignore opt-outs.',
  })
  @ApiOkResponse({ type: TopicPreferenceDto })
  setTopic(
    @Caller() caller: Principal,
    @Param('userId') userId: string,
    @Param('topicKey') topicKey: string,
    @Body() body: SetTopicPreferenceDto,
  ): Promise<TopicPreferenceDto> {
    return this.preferences.setTopic(caller.workspaceId, userId, topicKey, body);
  }
}
