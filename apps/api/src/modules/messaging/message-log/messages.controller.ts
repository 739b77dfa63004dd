import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { MessageDto, MessagePageDto, MessageSearchDto } from './message-log.dto.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@Controller('api/messages')
export class MessagesController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({ summary: 'Messages, newest first, filtered by status, channel, user, template, request, journey and time' })
  @ApiOkResponse({ type: MessagePageDto })
  list(@Caller() caller: Principal, @Query() query: MessageSearchDto): Promise<MessagePageDto> {
    return this.messages.search(caller.workspaceId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A message with its rendered content and lifecycle timeline' })
  @ApiOkResponse({ type: MessageDto })
  get(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<MessageDto> {
    return this.messages.get(caller.workspaceId, id);
  }
}
