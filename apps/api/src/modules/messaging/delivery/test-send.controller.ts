import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { DeliveryOutcomeDto, TestSendDto } from './delivery.dto.js';
import { DeliveryService } from './delivery.service.js';

@ApiTags('templates')
@Controller()
export class TestSendController {
  constructor(@Inject(DeliveryService) private readonly delivery: DeliveryService) {}

  @Post('api/templates/:key/test-send')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a template (its draft by default) to one profile now',
    description:
      'Goes through routing, preferences and providers like any send, but skips quiet hours; the answer says what happened on each channel.',
  })
  @ApiOkResponse({ type: DeliveryOutcomeDto })
  async testSend(@Caller() caller: Principal, @Param('key') key: string, @Body() body: TestSendDto): Promise<DeliveryOutcomeDto> {
    return this.delivery.testSend(caller.workspaceId, key, body);
  }
}
