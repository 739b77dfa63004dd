import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, Matches, registerDecorator, type ValidationOptions } from 'class-validator';
import {
  ALL,
  CHANNEL_NAME,
  DEFAULT_PREFERENCES,
  type DefaultPreference,
  PREFERENCE_STATUSES,
  type PreferenceStatus,
} from '../preference-rules.js';

const MAX_CHANNELS = 32;

/** An object mapping channel names (email, sms, …) to opted_in / opted_out. */
function IsChannelStatusMap(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isChannelStatusMap',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must map channel names (email, sms, push, …) to opted_in or opted_out, e.g. { "email": "opted_out" }`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= MAX_CHANNELS &&
          Object.entries(value).every(
            ([channel, status]) =>
              channel !== ALL && CHANNEL_NAME.test(channel) && PREFERENCE_STATUSES.includes(status as PreferenceStatus),
          ),
      },
    });
}

const channelMapSchema = {
  type: 'object' as const,
  additionalProperties: { type: 'string', enum: [...PREFERENCE_STATUSES] },
  example: { email: 'opted_out' },
};

export class SetTopicPreferenceDto {
  @ApiPropertyOptional({
    enum: PREFERENCE_STATUSES,
    description: "The profile's choice for the whole topic; left out: the topic's default applies",
  })
  @IsOptional()
  @IsIn(PREFERENCE_STATUSES)
  status?: PreferenceStatus;

  @ApiPropertyOptional({
    ...channelMapSchema,
    description: 'Per-channel choices; they beat the topic-wide one. Channels left out follow it.',
  })
  @IsOptional()
  @IsChannelStatusMap()
  channels?: Record<string, PreferenceStatus>;
}

export class SetUnsubscribedChannelsDto {
  @ApiProperty({
    type: [String],
    example: ['email'],
    description: 'Channels on which the profile gets no message except those of required topics',
  })
  @IsArray()
  @ArrayMaxSize(MAX_CHANNELS)
  @ArrayUnique()
  @Matches(CHANNEL_NAME, { each: true, message: 'each of unsubscribedChannels must be a channel name such as email or sms' })
  unsubscribedChannels: string[];
}

export class TopicPreferenceDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: DEFAULT_PREFERENCES }) defaultPreference: DefaultPreference;
  @ApiProperty({
    enum: PREFERENCE_STATUSES,
    nullable: true,
    description: "The profile's choice for the whole topic; null: none (the default applies)",
  })
  status: PreferenceStatus | null;
  @ApiProperty({ ...channelMapSchema, description: "The profile's per-channel choices" }) channels: Record<string, PreferenceStatus>;
  @ApiProperty({
    ...channelMapSchema,
    example: { email: 'opted_out', sms: 'opted_in' },
    description: 'What applies on each channel once defaults, choices, required topics and whole-channel opt-outs are combined',
  })
  effective: Record<string, PreferenceStatus>;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt: Date | null;
}

export class ProfilePreferencesDto {
  @ApiProperty() userId: string;
  @ApiProperty({
    type: [String],
    example: ['email'],
    description: 'Channels on which only required topics are sent (e.g. after a one-click unsubscribe without a topic)',
  })
  unsubscribedChannels: string[];
  @ApiProperty({ type: [TopicPreferenceDto] }) topics: TopicPreferenceDto[];
}
