import { Body, Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ValidationError } from '../../infra/http/errors.js';
import { Public } from '../auth/auth.decorators.js';
import { IngestResponseDto, SegmentBatchDto, SegmentEventDto } from './dto/ingestion.dto.js';
import { IngestionService } from './ingestion.service.js';
import { EVENT_TYPES, type EventType, LIMITS, normalizeEvent, type NormalizedEvent } from './segment-event.js';
import { WriteKeyGuard, type WriteKeyRequest } from './write-key.guard.js';

interface Rejected {
  index: number;
  messageId?: string;
  reason: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Segment-compatible HTTP Tracking API. */
@ApiTags('ingestion')
@ApiBasicAuth('writeKey')
@Public()
@UseGuards(WriteKeyGuard)
@Controller('v1')
export class IngestionController {
  constructor(@Inject(IngestionService) private readonly ingestion: IngestionService) {}

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send up to 2,500 events (500 KB) at once; valid events are stored, rejected ones listed by index' })
  @ApiBody({ type: SegmentBatchDto })
  @ApiOkResponse({ type: IngestResponseDto })
  @ApiBadRequestResponse({ description: 'Not JSON, over the limits, or no valid event' })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or revoked write key' })
  async batch(@Body() body: unknown, @Req() request: WriteKeyRequest): Promise<IngestResponseDto> {
    if (!isObject(body) || !Array.isArray(body.batch)) throw new ValidationError('Body must be an object with a "batch" array of events');
    if (body.batch.length === 0) throw new ValidationError('"batch" is empty: send at least one event');
    if (body.batch.length > LIMITS.batchEvents) {
      throw new ValidationError(`"batch" has ${body.batch.length} events; the limit is ${LIMITS.batchEvents} per request`);
    }
    const receivedAt = new Date();
    const accepted: NormalizedEvent[] = [];
    const rejected: Rejected[] = [];
    body.batch.forEach((raw, index) => {
      const result = normalizeEvent(raw, { receivedAt, batchSentAt: body.sentAt, batchContext: body.context });
      if (result.ok) accepted.push(result.event);
      else
        rejected.push({
          index,
          messageId: isObject(raw) && typeof raw.messageId === 'string' ? raw.messageId : undefined,
          reason: result.reason,
        });
    });
    if (accepted.length === 0) {
      throw new ValidationError(
        `No valid event in the batch: ${rejected
          .map((r) => `#${r.index}: ${r.reason}`)
          .slice(0, 5)
          .join('; ')}`,
        rejected.map((r) => ({ field: `batch.${r.index}`, messages: [r.reason] })),
      );
    }
    const { stored, duplicates } = await this.ingestion.ingest(request.ingestionWorkspaceId!, accepted);
    return { success: true, accepted: stored, duplicates, rejected };
  }

  @Post(':type')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send one track, identify, page, screen, group or alias call' })
  @ApiParam({ name: 'type', enum: EVENT_TYPES })
  @ApiBody({ type: SegmentEventDto })
  @ApiOkResponse({ type: IngestResponseDto })
  @ApiBadRequestResponse({ description: 'The event is invalid; the message says why' })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or revoked write key' })
  async single(@Param('type') type: string, @Body() body: unknown, @Req() request: WriteKeyRequest): Promise<IngestResponseDto> {
    if (!EVENT_TYPES.includes(type as EventType))
      throw new ValidationError(`Unknown call /v1/${type}; use one of ${[...EVENT_TYPES, 'batch'].join(', ')}`);
    const result = normalizeEvent(body, { receivedAt: new Date(), type: type as EventType });
    if (!result.ok) throw new ValidationError(`Invalid ${type} call: ${result.reason}`);
    const { stored, duplicates } = await this.ingestion.ingest(request.ingestionWorkspaceId!, [result.event]);
    return { success: true, accepted: stored, duplicates, rejected: [] };
  }
}
