import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { RunNodeDto, SimulateJourneyDto, SimulationDto, StepRunDto } from './dto/simulation.dto.js';
import { JourneysService } from './journeys.service.js';
import { NotAudited } from '../audit/not-audited.js';

/** Testing a journey before publishing it: no message sent, no profile changed, no call made unless asked. */
@ApiTags('journeys')
@Controller('api/journeys/:id')
export class SimulationController {
  constructor(@Inject(JourneysService) private readonly journeys: JourneysService) {}

  @Post('simulate')
  @NotAudited()
  @HttpCode(200)
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Walk the draft (or a version) for one profile and event, with no side effects',
    description:
      'The real node logic, rendering and delivery rules; sends return the rendered messages and the routing, preference, cap and quiet-hours decision per channel; delays and waits return when they would go on (the clock moves); fetch and ai nodes use `samples` unless listed in `live`.',
  })
  @ApiOkResponse({ type: SimulationDto })
  simulate(@Caller() caller: Principal, @Param('id') id: string, @Body() body: SimulateJourneyDto): Promise<SimulationDto> {
    return this.journeys.simulate(caller.workspaceId, id, body) as Promise<SimulationDto>;
  }

  @Post('nodes/:nodeId/run')
  @NotAudited()
  @HttpCode(200)
  @ApiOperation({ summary: 'Run one fetch or ai node for real (through the SSRF guard), with no other side effect' })
  @ApiOkResponse({ type: StepRunDto })
  runStep(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Param('nodeId') nodeId: string,
    @Body() body: RunNodeDto,
  ): Promise<StepRunDto> {
    return this.journeys.runStep(caller.workspaceId, id, nodeId, body);
  }
}
