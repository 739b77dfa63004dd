import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../../infra/http/errors.js';
import { Public } from '../auth/auth.decorators.js';
import { MessageStore } from './message-store.js';
import { PIXEL_GIF, TrackingLinks } from './tracking-links.js';

const TOKEN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})(?:\.gif)?$/;

/** Open pixel and click redirect of e-mails, signed per message. */
@ApiExcludeController()
@Public()
@Controller('t')
export class TrackingController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TrackingLinks) private readonly links: TrackingLinks,
    @Inject(MessageStore) private readonly messages: MessageStore,
  ) {}

  @Get('o/:token')
  async open(@Param('token') token: string, @Res() response: Response): Promise<void> {
    const match = TOKEN.exec(token);
    // The pixel is always served: a bad signature only means nothing is recorded.
    if (match && this.links.verifyOpen(match[1], match[2]) && (await this.exists(match[1]))) {
      await this.messages.report(match[1], 'opened', new Date(), { source: 'pixel' });
    }
    response.set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(PIXEL_GIF);
  }

  @Get('c/:token')
  async click(@Param('token') token: string, @Query('u') target: string | undefined, @Res() response: Response): Promise<void> {
    const match = TOKEN.exec(token);
    if (!match || typeof target !== 'string' || !/^https?:\/\//i.test(target))
      throw new ValidationError('This link is incomplete or malformed');
    if (!this.links.verifyClick(match[1], target, match[2])) throw new NotFoundError('This link is not valid');
    if (await this.exists(match[1])) await this.messages.report(match[1], 'clicked', new Date(), { source: 'link', url: target });
    response.redirect(302, target);
  }

  private async exists(messageId: string): Promise<boolean> {
    return (await this.dataSource.query('SELECT 1 FROM messages WHERE id = $1', [messageId])).length > 0;
  }
}
