import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import {
  DeliveryOutcomeDto,
  MessageDto,
  MessagePageDto,
  MessageSearchDto,
  SendBodyDto,
  SendResponseDto,
  TestSendDto,
} from './dto/messaging.dto.js';
import { DeliveryService } from './delivery.service.js';
import { MessagesService } from './messages.service.js';
import { SendRequestsService } from './send-requests.service.js';

@ApiTags('send')
@Controller()
export class MessagingController {
  constructor(
    @Inject(SendRequestsService) private readonly sends: SendRequestsService,
    @Inject(MessagesService) private readonly messages: MessagesService,
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
  ) {}

  @Post('api/templates/:key/test-send')
  @HttpCode(200)
  @ApiTags('templates')
  @ApiOperation({
    summary: 'Send a template (its draft by default) to one profile now',
    description:
      'Goes through routing, preferences and providers like any send, but skips quiet hours; the answer says what happened on each channel.',
  })
  @ApiOkResponse({ type: DeliveryOutcomeDto })
  async testSend(@Caller() caller: Principal, @Param('key') key: string, @Body() body: TestSendDto): Promise<DeliveryOutcomeDto> {
    return this.delivery.testSend(caller.workspaceId, key, body);
  }

  @Post('send')
  @HttpCode(202)
  @ApiOperation({
    summary: "Send a template (or start a journey) for one user, in Courier's body shape",
    description: 'Idempotency-Key: same key and body within 24 h replays the first answer; another body → 422; still in flight → 409.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: SendResponseDto })
  async send(
    @Caller() caller: Principal,
    @Body() body: SendBodyDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SendResponseDto> {
    const answer = await this.sends.accept(caller.workspaceId, body, idempotencyKey);
    if (answer.replayed) response.setHeader('Idempotent-Replayed', 'true');
    response.status(answer.status);
    return answer.body;
  }

  @Get('api/messages')
  @ApiTags('messages')
  @ApiOperation({ summary: 'Messages, newest first, filtered by status, channel, user, template, request, journey and time' })
  @ApiOkResponse({ type: MessagePageDto })
  list(@Caller() caller: Principal, @Query() query: MessageSearchDto): Promise<MessagePageDto> {
    return this.messages.search(caller.workspaceId, query);
  }

  @Get('api/messages/:id')
  @ApiTags('messages')
  @ApiOperation({ summary: 'A message with its rendered content and lifecycle timeline' })
  @ApiOkResponse({ type: MessageDto })
  get(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<MessageDto> {
    return this.messages.get(caller.workspaceId, id);
  }
}
