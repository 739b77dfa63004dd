import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ValidationError } from '../../infra/http/errors.js';
import { Caller, Public, RequireRole } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { InboxBulkDto, InboxChangedDto, InboxCountsDto, InboxListQueryDto, InboxPageDto, SigningKeyDto } from './dto/inbox.dto.js';
import { ProfilePreferencesDto, SetTopicPreferenceDto, TopicPreferenceDto } from '../preferences/dto/preferences.dto.js';
import { PreferencesService } from '../preferences/preferences.service.js';
import { InboxGuard, type InboxRequest } from './inbox.guard.js';
import { INBOX_ACTIONS, type InboxAction, InboxService } from './inbox.service.js';
import { InboxTokens } from './inbox-tokens.js';

const HEARTBEAT_MS = 25_000;

/** The end-user in-app feed. */
@ApiTags('inbox')
@ApiSecurity('writeKey')
@Public()
@UseGuards(InboxGuard)
@Controller('inbox/:userId')
export class InboxController {
  constructor(
    @Inject(InboxService) private readonly inbox: InboxService,
    @Inject(PreferencesService) private readonly userPreferences: PreferencesService,
  ) {}

  @Get('messages')
  @ApiOperation({ summary: "The user's feed, newest first; cursor pagination" })
  @ApiOkResponse({ type: InboxPageDto })
  list(@Req() request: InboxRequest, @Param('userId') userId: string, @Query() query: InboxListQueryDto): Promise<InboxPageDto> {
    return this.inbox.list(request.inboxWorkspaceId!, userId, query.status ?? 'all', query.limit ?? 25, query.cursor);
  }

  @Get('counts')
  @ApiOperation({ summary: 'Unread and unseen counts (badge)' })
  @ApiOkResponse({ type: InboxCountsDto })
  counts(@Req() request: InboxRequest, @Param('userId') userId: string): Promise<InboxCountsDto> {
    return this.inbox.counts(request.inboxWorkspaceId!, userId);
  }

  @Post('messages/bulk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark many (or all) messages read, unread, seen, archived or unarchived' })
  @ApiOkResponse({ type: InboxChangedDto })
  async bulk(@Req() request: InboxRequest, @Param('userId') userId: string, @Body() body: InboxBulkDto): Promise<InboxChangedDto> {
    return { changed: await this.inbox.mark(request.inboxWorkspaceId!, userId, body.action, body.messageIds) };
  }

  @Post('messages/:messageId/:action')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one message: read, unread, seen, archive or unarchive' })
  @ApiOkResponse({ type: InboxChangedDto })
  async mark(
    @Req() request: InboxRequest,
    @Param('userId') userId: string,
    @Param('messageId', new ParseUUIDPipe()) messageId: string,
    @Param('action') action: string,
  ): Promise<InboxChangedDto> {
    if (!INBOX_ACTIONS.includes(action as InboxAction))
      throw new ValidationError(`Unknown action "${action}"; use ${INBOX_ACTIONS.join(', ')}`);
    return { changed: await this.inbox.mark(request.inboxWorkspaceId!, userId, action as InboxAction, [messageId]) };
  }

  @Get('preferences')
  @ApiOperation({ summary: "The user's own notification preferences: every topic, its default and their choices per channel" })
  @ApiOkResponse({ type: ProfilePreferencesDto })
  preferences(@Req() request: InboxRequest, @Param('userId') userId: string): Promise<ProfilePreferencesDto> {
    return this.userPreferences.forUser(request.inboxWorkspaceId!, userId);
  }

  @Put('preferences/:topicKey')
  @ApiOperation({ summary: 'The user changes their own choices for one topic (required topics ignore opt-outs)' })
  @ApiOkResponse({ type: TopicPreferenceDto })
  setPreference(
    @Req() request: InboxRequest,
    @Param('userId') userId: string,
    @Param('topicKey') topicKey: string,
    @Body() body: SetTopicPreferenceDto,
  ): Promise<TopicPreferenceDto> {
    return this.userPreferences.setTopic(request.inboxWorkspaceId!, userId, topicKey, body, 'inbox');
  }

  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Live feed over server-sent events: `message` events for new messages, `changed` for updates, heartbeats' })
  async stream(@Req() request: InboxRequest, @Param('userId') userId: string, @Res() response: Response): Promise<void> {
    const workspaceId = request.inboxWorkspaceId!;
    const profileId = await this.inbox.profileId(workspaceId, userId);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify(await this.inbox.counts(workspaceId, userId))}\n\n`);
    const unsubscribe = await this.inbox.subscribe(workspaceId, profileId, (payload) => {
      void (async () => {
        const { change, messageId } = JSON.parse(payload) as { change: string; messageId: string };
        const counts = await this.inbox.counts(workspaceId, userId);
        if (change === 'new') {
          const item = await this.inbox.item(profileId, messageId);
          if (item) response.write(`id: ${item.id}\nevent: message\ndata: ${JSON.stringify({ message: item, counts })}\n\n`);
        } else response.write(`event: changed\ndata: ${JSON.stringify({ messageId, counts })}\n\n`);
      })().catch(() => undefined);
    });
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}

@ApiTags('inbox')
@Controller('api/inbox')
export class InboxAdminController {
  constructor(@Inject(InboxTokens) private readonly tokens: InboxTokens) {}

  @Get('signing-key')
  @RequireRole('owner')
  @ApiOperation({ summary: "The workspace's inbox signing key, for the product's backend to compute user tokens (owner)" })
  @ApiOkResponse({ type: SigningKeyDto })
  signingKey(@Caller() caller: Principal): SigningKeyDto {
    return { signingKey: this.tokens.signingKey(caller.workspaceId) };
  }
}
