import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class SendBodyDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "Courier's shape: `to.user_id` (a profile), `template` (a template key or a journey), `data`, `routing` `{ method: single|all, channels }`, " +
      '`preferences.subscription_topic_id` (topic), `metadata.tags` (`urgent` skips quiet hours), `delay` `{ duration (ms) | until }`.',
    example: {
      to: { user_id: 'u1' },
      template: 'welcome',
      data: { plan: 'trial' },
      routing: { method: 'single', channels: ['email', 'sms'] },
    },
  })
  @IsObject({ message: 'message is required: { "message": { "to": { "user_id": "…" }, "template": "…" } }' })
  message: Record<string, unknown>;
}

export class SendResponseDto {
  @ApiProperty({ format: 'uuid' }) requestId: string;
}
