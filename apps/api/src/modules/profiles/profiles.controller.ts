import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ValidationError } from '../../infra/http/errors.js';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import {
  EventPageDto,
  ImportSummaryDto,
  PageQueryDto,
  ProfileDto,
  ProfilePageDto,
  ProfileSearchDto,
  ProfileWriteDto,
} from './dto/profile.dto.js';
import { type ImportRowError, importFormatOf, readImportRows } from './profile-import.js';
import type { ProfileInput } from './profile-writer.js';
import { ProfilesService } from './profiles.service.js';

const IMPORT_CHUNK = 500;

@ApiTags('profiles')
@Controller('api/profiles')
export class ProfilesController {
  constructor(@Inject(ProfilesService) private readonly profiles: ProfilesService) {}

  @Get()
  @ApiOperation({ summary: 'List and search profiles (by user id or e-mail prefix, e-mail, traits, account); cursor pagination' })
  @ApiOkResponse({ type: ProfilePageDto })
  list(@Caller() caller: Principal, @Query() query: ProfileSearchDto): Promise<ProfilePageDto> {
    return this.profiles.search(caller.workspaceId, query);
  }

  @Post('import')
  @HttpCode(200)
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({
    summary: 'Bulk import profiles from CSV or NDJSON, streamed',
    description:
      'The response is NDJSON, written as the import goes: `{"type":"progress",…}` lines, one `{"type":"error","row":N,"reason":…}` ' +
      'per rejected row, and a final `{"type":"done","processed","imported","failed"}`. Traits are merged into existing profiles.',
  })
  @ApiOkResponse({ type: ImportSummaryDto })
  async import(@Caller() caller: Principal, @Req() request: Request, @Res() response: Response): Promise<void> {
    const format = importFormatOf(request.headers['content-type']);
    if (!format) throw new ValidationError('Send the file as Content-Type text/csv or application/x-ndjson');
    response.status(200).type('application/x-ndjson');
    const write = (line: object) => response.write(`${JSON.stringify(line)}\n`);
    let processed = 0;
    let imported = 0;
    let failed = 0;
    let chunk = new Map<string, ProfileInput>();
    const flush = async () => {
      if (chunk.size === 0) return;
      await this.profiles.writeMany(caller.workspaceId, [...chunk.values()], 'merge');
      imported += chunk.size;
      chunk = new Map();
      write({ type: 'progress', processed, imported, failed });
    };
    try {
      for await (const item of readImportRows(request, format)) {
        processed += 1;
        if ('error' in item) {
          failed += 1;
          write({ type: 'error', row: item.row, reason: item.error } satisfies { type: string } & ImportRowError);
          continue;
        }
        const earlier = chunk.get(item.profile.userId);
        if (earlier) {
          // The same user twice in one chunk: later rows win, as they would row by row.
          chunk.set(item.profile.userId, {
            ...item.profile,
            traits: { ...earlier.traits, ...item.profile.traits },
            contactPoints: [...(earlier.contactPoints ?? []), ...(item.profile.contactPoints ?? [])],
          });
        } else chunk.set(item.profile.userId, item.profile);
        if (chunk.size >= IMPORT_CHUNK) await flush();
      }
      await flush();
      write({ type: 'done', processed, imported, failed });
    } catch (error) {
      write({
        type: 'aborted',
        processed,
        imported,
        failed,
        reason: 'the import stopped on a server error; rows reported as imported are stored, re-send the rest',
      });
      throw error;
    } finally {
      response.end();
    }
  }

  @Get(':userId')
  @ApiOperation({ summary: 'A profile with its traits, account, anonymous ids and contact points' })
  @ApiOkResponse({ type: ProfileDto })
  get(@Caller() caller: Principal, @Param('userId') userId: string): Promise<ProfileDto> {
    return this.profiles.get(caller.workspaceId, userId);
  }

  @Put(':userId')
  @ApiOperation({ summary: 'Create a profile, or replace its traits; contact points are added' })
  @ApiOkResponse({ type: ProfileDto })
  put(@Caller() caller: Principal, @Param('userId') userId: string, @Body() body: ProfileWriteDto): Promise<ProfileDto> {
    return this.profiles.write(caller.workspaceId, checkUserId(userId), { ...body, traits: body.traits ?? {} }, 'replace');
  }

  @Patch(':userId')
  @ApiOperation({ summary: 'Merge traits (null removes one) and add contact points; creates the profile when new' })
  @ApiOkResponse({ type: ProfileDto })
  patch(@Caller() caller: Principal, @Param('userId') userId: string, @Body() body: ProfileWriteDto): Promise<ProfileDto> {
    return this.profiles.write(caller.workspaceId, checkUserId(userId), { ...body, traits: body.traits ?? {} }, 'merge');
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a profile with its events, messages and runs (right to be forgotten)' })
  @ApiNoContentResponse()
  async erase(@Caller() caller: Principal, @Param('userId') userId: string): Promise<void> {
    await this.profiles.erase(caller.workspaceId, userId);
  }

  @Delete(':userId/contact-points/:contactPointId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a contact point from a profile' })
  @ApiNoContentResponse()
  async removeContactPoint(
    @Caller() caller: Principal,
    @Param('userId') userId: string,
    @Param('contactPointId', new ParseUUIDPipe()) contactPointId: string,
  ): Promise<void> {
    await this.profiles.removeContactPoint(caller.workspaceId, userId, contactPointId);
  }

  @Get(':userId/events')
  @ApiOperation({ summary: "A profile's events, newest first; cursor pagination" })
  @ApiOkResponse({ type: EventPageDto })
  async events(@Caller() caller: Principal, @Param('userId') userId: string, @Query() query: PageQueryDto): Promise<EventPageDto> {
    await this.profiles.assertExists(caller.workspaceId, userId);
    return this.profiles.events(caller.workspaceId, { ...query, userId });
  }
}

function checkUserId(userId: string): string {
  if (userId.trim() === '' || userId.length > 255 || userId.includes('\u0000')) {
    throw new ValidationError('userId must be 1-255 characters', [{ field: 'userId', messages: ['must be 1-255 characters'] }]);
  }
  return userId;
}
