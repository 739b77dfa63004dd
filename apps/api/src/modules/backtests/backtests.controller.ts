import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BacktestDto, CreateBacktestDto } from './backtests.dto.js';
import { BacktestsService } from './backtests.service.js';

@ApiTags('journeys')
@Controller()
export class BacktestsController {
  constructor(@Inject(BacktestsService) private readonly backtests: BacktestsService) {}

  @Post('api/journeys/:id/backtest')
  @HttpCode(202)
  @RequireRole('viewer')
  @ApiOperation({
    summary: "Replay a period's stored events through the draft (or a version): what would have happened",
    description:
      'A background job (poll GET /api/backtests/{id} for progress; POST …/cancel stops it), bounded by maxEvents and maxSeconds. No message is sent, no profile changed, no external call made: fetch and ai nodes use `samples`. Waits are matched against the profile’s stored events and runs end at the goal events the profile did meanwhile. Profiles are read as they are now.',
  })
  @ApiAcceptedResponse({ type: BacktestDto })
  create(@Caller() caller: Principal, @Param('id') id: string, @Body() body: CreateBacktestDto): Promise<BacktestDto> {
    return this.backtests.create(caller.workspaceId, id, body, caller);
  }

  @Get('api/journeys/:id/backtests')
  @ApiOperation({ summary: "A journey's back-tests, newest first" })
  @ApiOkResponse({ type: [BacktestDto] })
  list(@Caller() caller: Principal, @Param('id') id: string): Promise<BacktestDto[]> {
    return this.backtests.list(caller.workspaceId, id);
  }

  @Get('api/backtests/:id')
  @ApiOperation({ summary: 'A back-test with its progress and, once completed, its report' })
  @ApiOkResponse({ type: BacktestDto })
  get(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<BacktestDto> {
    return this.backtests.get(caller.workspaceId, id);
  }

  @Post('api/backtests/:id/cancel')
  @HttpCode(200)
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Stop a queued or running back-test' })
  @ApiOkResponse({ type: BacktestDto })
  cancel(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<BacktestDto> {
    return this.backtests.cancel(caller.workspaceId, id);
  }
}
