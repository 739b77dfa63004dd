import { type DeliveryEvent, type InboundRequest } from '@itinera/plugin-sdk';
import { Controller, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { NotFoundError, UnauthorizedError, UnprocessableError, ValidationError } from '../../infra/http/errors.js';
import { ROOT_LOGGER } from '../../infra/logging/logging.module.js';
import { Public } from '../auth/auth.decorators.js';
import { ChannelsService } from '../plugins/channels.service.js';
import { PluginRegistry } from '../plugins/plugin-registry.js';
import { InboxPublisher } from './inbox-publisher.js';
import { MessageStore, type MessageStatus } from './message-store.js';

const STATUS_OF: Record<string, MessageStatus | undefined> = {
  sent: 'sent',
  delivered: 'delivered',
  opened: 'opened',
  clicked: 'clicked',
  bounced: 'bounced',
  failed: 'failed',
  complained: undefined,
  unsubscribed: undefined,
};

/**
 * Provider delivery webhooks: `POST /webhooks/{pluginId}?provider={providerConfigId}`. The
 * plugin verifies the signature with the provider's stored secrets, then parses the events; each
 * updates the message the provider knows by its id.
 */
@ApiExcludeController()
@Public()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PluginRegistry) private readonly registry: PluginRegistry,
    @Inject(ChannelsService) private readonly channels: ChannelsService,
    @Inject(MessageStore) private readonly messages: MessageStore,
    @Inject(InboxPublisher) private readonly inbox: InboxPublisher,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':pluginId')
  @HttpCode(200)
  async receive(
    @Param('pluginId') pluginId: string,
    @Query('provider') providerId: string | undefined,
    @Req() request: Request & { rawBody?: Buffer },
  ) {
    const loaded = this.registry.find(pluginId);
    if (!loaded || loaded.plugin.manifest.kind !== 'channel') throw new NotFoundError(`No channel plugin "${pluginId}" is installed`);
    const plugin = this.registry.channel(pluginId);
    if (!plugin.parseDeliveryEvent) throw new UnprocessableError(`Plugin "${pluginId}" does not take delivery webhooks`);
    if (!providerId || !/^[0-9a-f-]{36}$/i.test(providerId)) {
      throw new ValidationError('Add ?provider=<provider id> (from GET /api/channels) to the webhook URL you give the provider', [
        { field: 'provider', messages: ['is required'] },
      ]);
    }
    const rows: Array<{ workspace_id: string }> = await this.dataSource.query(
      'SELECT workspace_id FROM provider_configs WHERE id = $1 AND plugin_id = $2',
      [providerId, pluginId],
    );
    if (rows.length === 0) throw new NotFoundError(`No provider ${providerId} for plugin "${pluginId}"`);
    const provider = await this.channels.resolve(rows[0].workspace_id, providerId);
    const ctx = provider.context({ idempotencyKey: `webhook:${providerId}:${Date.now()}`, timeoutMs: 10_000 });
    const inbound: InboundRequest = {
      method: request.method,
      url: `${request.protocol}://${request.get('host')}${request.originalUrl}`,
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v ?? '')]),
      ),
      rawBody: request.rawBody?.toString('utf8') ?? '',
      body: request.body,
    } as InboundRequest;
    if (plugin.verifySignature && !(await plugin.verifySignature(ctx, inbound))) {
      throw new UnauthorizedError('Webhook signature is not valid for this provider');
    }
    const events: DeliveryEvent[] = await plugin.parseDeliveryEvent(ctx, inbound);
    let applied = 0;
    for (const event of events) {
      const status = STATUS_OF[event.status];
      const matches: Array<{ id: string; profile_id: string }> = await this.dataSource.query(
        'SELECT id, profile_id FROM messages WHERE workspace_id = $1 AND plugin_id = $2 AND provider_message_id = $3',
        [rows[0].workspace_id, pluginId, event.providerMessageId],
      );
      for (const message of matches) {
        if (status)
          await this.messages.report(message.id, status, new Date(event.occurredAt), {
            source: 'provider',
            reason: event.reason,
            providerStatus: event.status,
          });
        if (event.unregisteredTokens?.length) {
          await this.dataSource.query("DELETE FROM contact_points WHERE profile_id = $1 AND channel = 'push' AND value = ANY($2::text[])", [
            message.profile_id,
            event.unregisteredTokens,
          ]);
        }
        applied += 1;
      }
    }
    this.logger.info({ pluginId, providerId, events: events.length, applied }, 'delivery webhook');
    return { received: events.length, applied };
  }
}
