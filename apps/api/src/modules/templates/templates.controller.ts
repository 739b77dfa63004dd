import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Patch, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { RenderedContent } from './compiled-template.js';
import {
  CreateTemplateDto,
  PreviewTemplateDto,
  PublishTemplateDto,
  RenderedContentDto,
  TemplateDto,
  TemplateSummaryDto,
  TemplateVersionDto,
  TemplateVersionSummaryDto,
  UpdateTemplateDto,
} from './dto/template.dto.js';
import { TemplatesService } from './templates.service.js';
import { NotAudited } from '../audit/not-audited.js';

@ApiTags('templates')
@Controller('api/templates')
export class TemplatesController {
  constructor(@Inject(TemplatesService) private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'Templates of the workspace with their channels and published version, by key' })
  @ApiOkResponse({ type: [TemplateSummaryDto] })
  list(@Caller() caller: Principal): Promise<TemplateSummaryDto[]> {
    return this.templates.list(caller.workspaceId);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a template; its content is saved as the draft',
    description:
      'Liquid and MJML are checked when saved: errors answer 400 with the field path (e.g. `content.email.mjml`), line and column.',
  })
  @ApiCreatedResponse({ type: TemplateDto })
  create(@Caller() caller: Principal, @Body() body: CreateTemplateDto): Promise<TemplateDto> {
    return this.templates.create(caller.workspaceId, body);
  }

  @Get(':key')
  @ApiOperation({ summary: 'A template: its draft and its published version' })
  @ApiOkResponse({ type: TemplateDto })
  get(@Caller() caller: Principal, @Param('key') key: string): Promise<TemplateDto> {
    return this.templates.get(caller.workspaceId, key);
  }

  @Patch(':key')
  @ApiOperation({ summary: 'Change the name, description or draft content (checked as when created); published versions never change' })
  @ApiOkResponse({ type: TemplateDto })
  update(@Caller() caller: Principal, @Param('key') key: string, @Body() body: UpdateTemplateDto): Promise<TemplateDto> {
    return this.templates.update(caller.workspaceId, key, body);
  }

  @Delete(':key')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a template with its draft and versions' })
  @ApiNoContentResponse()
  async remove(@Caller() caller: Principal, @Param('key') key: string): Promise<void> {
    await this.templates.remove(caller.workspaceId, key);
  }

  @Post(':key/publish')
  @ApiOperation({
    summary: 'Publish the draft as the next immutable version',
    description:
      '201 with the new version; 200 with the current one when the draft is unchanged since it; 409 when the draft has no channel.',
  })
  @ApiCreatedResponse({ type: TemplateVersionDto })
  @ApiOkResponse({ type: TemplateVersionDto, description: 'The draft equals the published version: nothing new was published' })
  async publish(
    @Caller() caller: Principal,
    @Param('key') key: string,
    @Body() body: PublishTemplateDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TemplateVersionDto> {
    const { created, version } = await this.templates.publish(caller.workspaceId, key, body.note, caller);
    response.status(created ? 201 : 200);
    return version;
  }

  @Get(':key/versions')
  @ApiOperation({ summary: 'Published versions, newest first' })
  @ApiOkResponse({ type: [TemplateVersionSummaryDto] })
  versions(@Caller() caller: Principal, @Param('key') key: string): Promise<TemplateVersionSummaryDto[]> {
    return this.templates.versions(caller.workspaceId, key);
  }

  @Get(':key/versions/:version')
  @ApiOperation({ summary: 'One published version with its content' })
  @ApiOkResponse({ type: TemplateVersionDto })
  version(
    @Caller() caller: Principal,
    @Param('key') key: string,
    @Param('version', new ParseIntPipe()) version: number,
  ): Promise<TemplateVersionDto> {
    return this.templates.version(caller.workspaceId, key, version);
  }

  @Post(':key/preview')
  @NotAudited()
  @RequireRole('viewer')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Render one channel against a profile and sample data',
    description:
      'Renders the draft by default, or a published version, or unsaved `content`. E-mail answers subject, preheader, HTML and text.',
  })
  @ApiOkResponse({ type: RenderedContentDto })
  preview(@Caller() caller: Principal, @Param('key') key: string, @Body() body: PreviewTemplateDto): Promise<RenderedContent> {
    return this.templates.preview(caller.workspaceId, key, body);
  }
}
