import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import {
  CanvasPointDto,
  CreateJourneyDto,
  DuplicateJourneyDto,
  InvokeJourneyDto,
  InvokedDto,
  JourneyDto,
  JourneySummaryDto,
  JourneyVersionDto,
  PublishJourneyDto,
  ReentryWindowDto,
  RunDetailDto,
  RunDto,
  RunPageDto,
  RunSearchDto,
  UpdateJourneyDto,
  ValidateJourneyDto,
  ValidationReportDto,
} from './dto/journeys.dto.js';
import { JourneysService } from './journeys.service.js';
import { NotAudited } from '../audit/not-audited.js';

/** `{id}` is a journey's id or its name. */
@ApiTags('journeys')
@ApiExtraModels(CanvasPointDto, ReentryWindowDto)
@Controller('api/journeys')
export class JourneysController {
  constructor(@Inject(JourneysService) private readonly journeys: JourneysService) {}

  @Get()
  @ApiOperation({
    summary: 'Journeys with their status, live version, unpublished changes, run counts, entries of the last 7 days and last editor',
  })
  @ApiOkResponse({ type: [JourneySummaryDto] })
  list(@Caller() caller: Principal): Promise<JourneySummaryDto[]> {
    return this.journeys.list(caller.workspaceId);
  }

  @Post()
  @ApiOperation({
    summary:
      'Create a journey (a draft) from { name, definition } or from the journey document itself (name, entry, exit, nodes, edges at the top level)',
  })
  @ApiCreatedResponse({ type: JourneyDto })
  create(@Caller() caller: Principal, @Body() body: CreateJourneyDto): Promise<JourneyDto> {
    return this.journeys.create(caller.workspaceId, { ...body }, caller);
  }

  @Get(':id')
  @ApiOkResponse({ type: JourneyDto })
  get(@Caller() caller: Principal, @Param('id') id: string): Promise<JourneyDto> {
    return this.journeys.get(caller.workspaceId, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Edit the draft (published versions never change); with `revision`, 409 when the draft was saved since that revision',
  })
  @ApiOkResponse({ type: JourneyDto })
  update(@Caller() caller: Principal, @Param('id') id: string, @Body() body: UpdateJourneyDto): Promise<JourneyDto> {
    return this.journeys.update(caller.workspaceId, id, body, caller);
  }

  @Post(':id/duplicate')
  @ApiOperation({ summary: 'A new draft with the same definition, named "<name> (copy)" unless a name is given' })
  @ApiCreatedResponse({ type: JourneyDto })
  duplicate(@Caller() caller: Principal, @Param('id') id: string, @Body() body: DuplicateJourneyDto): Promise<JourneyDto> {
    return this.journeys.duplicate(caller.workspaceId, id, body.name, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a journey that never ran (archive one that did)' })
  @ApiNoContentResponse()
  async remove(@Caller() caller: Principal, @Param('id') id: string): Promise<void> {
    await this.journeys.remove(caller.workspaceId, id);
  }

  @Post(':id/validate')
  @NotAudited()
  @HttpCode(200)
  @ApiOperation({ summary: 'Every problem of the draft (or of the definition in the body), each with its node id' })
  @ApiOkResponse({ type: ValidationReportDto })
  async validate(@Caller() caller: Principal, @Param('id') id: string, @Body() body: ValidateJourneyDto): Promise<ValidationReportDto> {
    const definition = body?.definition ?? (await this.journeys.get(caller.workspaceId, id)).draft;
    return this.journeys.validate(caller.workspaceId, definition);
  }

  @Post(':id/publish')
  @ApiOperation({ summary: 'Publish the draft as immutable version N and activate the journey; 422 lists every problem' })
  @ApiCreatedResponse({ type: JourneyVersionDto })
  publish(@Caller() caller: Principal, @Param('id') id: string, @Body() body: PublishJourneyDto): Promise<JourneyVersionDto> {
    return this.journeys.publish(caller.workspaceId, id, body.note, caller);
  }

  @Get(':id/versions')
  @ApiOkResponse({ type: [JourneyVersionDto] })
  versions(@Caller() caller: Principal, @Param('id') id: string): Promise<JourneyVersionDto[]> {
    return this.journeys.versions(caller.workspaceId, id);
  }

  @Get(':id/versions/:version')
  @ApiOkResponse({ type: JourneyVersionDto })
  version(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Param('version', new ParseIntPipe()) version: number,
  ): Promise<JourneyVersionDto> {
    return this.journeys.version(caller.workspaceId, id, version);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop new entries; runs in flight go on' })
  @ApiOkResponse({ type: JourneyDto })
  pause(@Caller() caller: Principal, @Param('id') id: string): Promise<JourneyDto> {
    return this.journeys.setStatus(caller.workspaceId, id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: JourneyDto })
  resume(@Caller() caller: Principal, @Param('id') id: string): Promise<JourneyDto> {
    return this.journeys.setStatus(caller.workspaceId, id, 'resume');
  }

  @Post(':id/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the journey for good: no entries, runs in flight cancelled' })
  @ApiOkResponse({ type: JourneyDto })
  archive(@Caller() caller: Principal, @Param('id') id: string): Promise<JourneyDto> {
    return this.journeys.setStatus(caller.workspaceId, id, 'archive');
  }

  @Post(':id/invoke')
  @ApiOperation({ summary: "Start a run for a user (API entry); `data` is the entry event's properties" })
  @ApiCreatedResponse({ type: InvokedDto })
  invoke(@Caller() caller: Principal, @Param('id') id: string, @Body() body: InvokeJourneyDto): Promise<InvokedDto> {
    return this.journeys.invoke(caller.workspaceId, id, body.userId, body.data ?? {});
  }

  @Get(':id/runs')
  @ApiOperation({ summary: 'Runs of the journey, newest first, by status and user; cursor pagination' })
  @ApiOkResponse({ type: RunPageDto })
  runs(@Caller() caller: Principal, @Param('id') id: string, @Query() query: RunSearchDto): Promise<RunPageDto> {
    return this.journeys.runs(caller.workspaceId, id, query);
  }
}

@ApiTags('journeys')
@Controller('api/runs')
export class RunsController {
  constructor(@Inject(JourneysService) private readonly journeys: JourneysService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A run with the timeline of every step: input, output, port, timing and outcome' })
  @ApiOkResponse({ type: RunDetailDto })
  get(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<RunDetailDto> {
    return this.journeys.run(caller.workspaceId, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: RunDto })
  cancel(@Caller() caller: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<RunDto> {
    return this.journeys.cancel(caller.workspaceId, id);
  }
}
