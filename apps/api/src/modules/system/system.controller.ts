import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, RequireRole } from '../auth/auth.decorators.js';
import { WorkerProbeDto, WorkerProbeResultDto } from './dto/worker-probe.dto.js';
import { SystemService } from './system.service.js';
import { NotAudited } from '../audit/not-audited.js';

/** Time a worker is given to pick the probe up, on top of the hold. */
const PICKUP_ALLOWANCE_MS = 1000;

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(@Inject(SystemService) private readonly system: SystemService) {}

  @Get('healthz')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @Public()
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { postgres: 'up', redis: 'up' } } } })
  @ApiServiceUnavailableResponse({ description: 'A dependency does not answer' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const checks = await this.system.readiness();
    const ok = Object.values(checks).every((status) => status === 'up');
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }

  @Post('api/system/worker-probe')
  @NotAudited()
  @RequireRole('owner')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a probe job through the queue and wait for a worker to finish it (owner)' })
  @ApiOkResponse({ type: WorkerProbeResultDto })
  @ApiBadRequestResponse({ description: 'The wait does not leave the worker a second beyond the hold' })
  @ApiServiceUnavailableResponse({ description: 'No worker finished the probe in time' })
  probe(@Body() body: WorkerProbeDto): Promise<WorkerProbeResultDto> {
    const holdMs = body.holdMs ?? 0;
    const timeoutMs = body.timeoutMs ?? 10_000;
    // A wait no longer than the hold always times out: that is the caller's mistake, not a missing worker.
    if (timeoutMs < holdMs + PICKUP_ALLOWANCE_MS) {
      throw new BadRequestException(
        `timeoutMs (${timeoutMs}) must be at least holdMs (${holdMs}) + ${PICKUP_ALLOWANCE_MS}: the worker holds the probe for holdMs, and needs time to pick it up`,
      );
    }
    return this.system.probeWorkers(holdMs, timeoutMs);
  }
}
