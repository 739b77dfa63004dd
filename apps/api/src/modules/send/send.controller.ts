import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { SendBodyDto, SendResponseDto } from './send.dto.js';
import { SendRequestsService } from './send-requests.service.js';

@ApiTags('send')
@Controller('send')
export class SendController {
  constructor(@Inject(SendRequestsService) private readonly sends: SendRequestsService) {}

  @Post()
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
}
