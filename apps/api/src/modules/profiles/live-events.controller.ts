import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { LiveEventFeed } from './live-events.js';

const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

export class LiveEventQueryDto {
  @ApiPropertyOptional({ description: 'Only track events of this name' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  event?: string;

  @ApiPropertyOptional({ description: 'Only events of this user id' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  userId?: string;
}

@ApiTags('events')
@Controller('api/events')
export class LiveEventsController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Live events over server-sent events: `event` messages (an EventDto as JSON) as events are stored, filtered by name and user',
    description:
      'Starts with a `ready` message; only events stored after it follow, each once and in the order they were stored. ' +
      'Comments are sent as heartbeats. Browsers reconnect on their own (EventSource); a reconnection starts from then.',
  })
  @ApiOkResponse({ description: 'A text/event-stream' })
  async stream(
    @Caller() caller: Principal,
    @Query() query: LiveEventQueryDto,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const feed = await LiveEventFeed.start(this.dataSource, caller.workspaceId, { event: query.event, userId: query.userId });
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
    let closed = false;
    let polling = false;
    const poll = async () => {
      if (polling || closed) return;
      polling = true;
      try {
        for (const event of await feed.poll()) {
          if (closed) break;
          response.write(`id: ${event.id}\nevent: event\ndata: ${JSON.stringify(event)}\n\n`);
        }
      } catch {
        if (!closed) response.write(`event: problem\ndata: ${JSON.stringify({ message: 'New events could not be read; retrying' })}\n\n`);
      } finally {
        polling = false;
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      closed = true;
      clearInterval(timer);
      clearInterval(heartbeat);
    });
  }
}
