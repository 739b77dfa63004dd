import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateBy, ValidateNested, type ValidationOptions } from 'class-validator';
import { SampleProfileDto } from '../../profiles/dto/sample-profile.dto.js';
import { TEMPLATE_CHANNELS, TEMPLATE_KEY_PATTERN, type TemplateChannel, type TemplateContent } from '../template-content.js';
import type { TemplateVersionRef } from '../template-renderer.js';

const ANY_JSON = {
  oneOf: [
    { type: 'object', additionalProperties: true },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
  ],
};
const VERSION_SCHEMA = {
  oneOf: [
    { type: 'string', enum: ['draft', 'published'] },
    { type: 'integer', minimum: 1 },
  ],
};

// ---- Content (documentation of the shape; the service validates it field by field) ----

export class EmailContentDto {
  @ApiProperty({ example: 'Welcome, {{ profile.traits.first_name | default: "there" }}' }) subject: string;
  @ApiPropertyOptional({ description: 'Inbox preview text, put in <mj-preview>' }) preheader?: string;
  @ApiProperty({
    description: 'MJML body; Liquid outputs are HTML-escaped (`| raw` opts out)',
    example:
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ profile.traits.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
  })
  mjml: string;
  @ApiPropertyOptional({ description: 'Plain-text part; derived from the HTML when absent' }) text?: string;
}

export class SmsContentDto {
  @ApiProperty() body: string;
}

export class PushContentDto {
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) data?: Record<string, string>;
  @ApiPropertyOptional() imageUrl?: string;
}

export class ChatContentDto {
  @ApiProperty({ description: 'Message for Slack and Microsoft Teams' }) text: string;
  @ApiPropertyOptional({ default: true, description: 'Whether the text is markdown (Slack mrkdwn, Teams markdown)' }) markdown?: boolean;
}

export class InappContentDto {
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiPropertyOptional() actionUrl?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'JSON; strings in it are Liquid' }) data?: Record<
    string,
    unknown
  >;
}

export class WebhookContentDto {
  @ApiProperty({
    description: 'The http(s) URL the body is posted to; Liquid',
    example: 'https://hooks.example.com/itinera/{{ profile.userId }}',
  })
  url: string;
  @ApiProperty({ ...ANY_JSON, description: 'The JSON body; strings in it are Liquid' }) body: unknown;
}

export class LocaleEmailContentDto extends PartialType(EmailContentDto) {}
export class LocaleSmsContentDto extends PartialType(SmsContentDto) {}
export class LocalePushContentDto extends PartialType(PushContentDto) {}
export class LocaleChatContentDto extends PartialType(ChatContentDto) {}
export class LocaleInappContentDto extends PartialType(InappContentDto) {}
export class LocaleWebhookContentDto extends PartialType(WebhookContentDto) {}

/** A locale variant: any subset of the fields of the channel blocks the default content has. */
export class LocaleContentDto {
  @ApiPropertyOptional({ type: LocaleEmailContentDto }) email?: LocaleEmailContentDto;
  @ApiPropertyOptional({ type: LocaleSmsContentDto }) sms?: LocaleSmsContentDto;
  @ApiPropertyOptional({ type: LocalePushContentDto }) push?: LocalePushContentDto;
  @ApiPropertyOptional({ type: LocaleChatContentDto }) chat?: LocaleChatContentDto;
  @ApiPropertyOptional({ type: LocaleInappContentDto }) inapp?: LocaleInappContentDto;
  @ApiPropertyOptional({ type: LocaleWebhookContentDto }) webhook?: LocaleWebhookContentDto;
}

@ApiExtraModels(LocaleContentDto)
export class TemplateContentDto {
  @ApiPropertyOptional({ type: EmailContentDto }) email?: EmailContentDto;
  @ApiPropertyOptional({ type: SmsContentDto }) sms?: SmsContentDto;
  @ApiPropertyOptional({ type: PushContentDto }) push?: PushContentDto;
  @ApiPropertyOptional({ type: ChatContentDto }) chat?: ChatContentDto;
  @ApiPropertyOptional({ type: InappContentDto }) inapp?: InappContentDto;
  @ApiPropertyOptional({ type: WebhookContentDto }) webhook?: WebhookContentDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(LocaleContentDto) },
    description:
      'Locale variants keyed by locale (`fr`, `fr-CA`): exact locale first, then its language, then the default content, field by field',
  })
  locales?: Record<string, LocaleContentDto>;
}

// ---- Requests ----

export class CreateTemplateDto {
  @ApiProperty({ example: 'welcome', description: 'Unique in the workspace; lower-case letters, digits, - and _; cannot change' })
  @IsString()
  @Length(1, 100)
  @Matches(TEMPLATE_KEY_PATTERN, {
    message: 'key must be a slug of lower-case letters and digits separated by - or _, e.g. welcome or trial-ending',
  })
  key: string;

  @ApiProperty({ example: 'Welcome e-mail' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiProperty({ type: TemplateContentDto, description: 'Saved as the draft; checked when saved (Liquid, MJML, required fields)' })
  @IsObject()
  content: TemplateContent;
}

export class UpdateTemplateDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;

  @ApiPropertyOptional({ type: TemplateContentDto, description: 'Replaces the draft' })
  @IsOptional()
  @IsObject()
  content?: TemplateContent;
}

export class PublishTemplateDto {
  @ApiPropertyOptional({ example: 'New onboarding copy' })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  note?: string;
}

function IsTemplateVersion(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTemplateVersion',
      validator: {
        validate: (value: unknown) =>
          value === 'draft' || value === 'published' || (typeof value === 'number' && Number.isInteger(value) && value >= 1),
        defaultMessage: () => 'version must be "draft", "published" or a version number',
      },
    },
    options,
  );
}

export class PreviewTemplateDto {
  @ApiProperty({ enum: TEMPLATE_CHANNELS })
  @IsIn(TEMPLATE_CHANNELS)
  channel: TemplateChannel;

  @ApiPropertyOptional({ description: 'A profile of the workspace whose user id, contact points, traits and account fill `profile`' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  userId?: string;

  @ApiPropertyOptional({
    type: SampleProfileDto,
    description: 'A made-up profile (not stored) that fills `profile` instead of one of the workspace; not with `userId`',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SampleProfileDto)
  profile?: SampleProfileDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: '`data` variables (sample send data, fetch and ai outputs)',
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The triggering `event`, e.g. { "event": "signed_up", "properties": { … } }',
  })
  @IsOptional()
  @IsObject()
  event?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '`run` variables (journey run)' })
  @IsOptional()
  @IsObject()
  run?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Extra top-level variables; unsubscribeUrl and preferencesUrl default to placeholders',
  })
  @IsOptional()
  @IsObject()
  extra?: Record<string, unknown>;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'fr-CA',
    description: "Locale variant to render; default the profile's locale; null for the default content",
  })
  @IsOptional()
  @IsString()
  @Length(2, 35)
  locale?: string | null;

  @ApiPropertyOptional({ ...VERSION_SCHEMA, default: 'draft', description: '"draft", "published" or a version number' })
  @IsOptional()
  @IsTemplateVersion()
  version?: TemplateVersionRef;

  @ApiPropertyOptional({
    type: TemplateContentDto,
    description: "Render this unsaved content instead of a stored version (the editor's live preview); checked as when saved",
  })
  @IsOptional()
  @IsObject()
  content?: TemplateContent;
}

// ---- Responses ----

export class TemplateSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: TEMPLATE_CHANNELS, isArray: true, description: 'Channels of the draft' }) channels: TemplateChannel[];
  @ApiProperty({ nullable: true, type: Number, description: 'The version sends use; null until first published' }) publishedVersion:
    number | null;
  @ApiProperty({ description: 'The draft differs from the published version (or nothing is published)' }) hasUnpublishedChanges: boolean;
  @ApiProperty({ format: 'date-time' }) draftUpdatedAt: Date;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
}

export class TemplateVersionSummaryDto {
  @ApiProperty() version: number;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ format: 'date-time' }) publishedAt: Date;
  @ApiProperty({ nullable: true, type: String, description: '`user:<id>` or `api_key:<id>`' }) publishedBy: string | null;
  @ApiProperty({ enum: TEMPLATE_CHANNELS, isArray: true }) channels: TemplateChannel[];
}

export class TemplateVersionDto extends TemplateVersionSummaryDto {
  @ApiProperty() key: string;
  @ApiProperty({ type: TemplateContentDto }) content: TemplateContent;
}

export class TemplateDto extends TemplateSummaryDto {
  @ApiProperty({ type: TemplateContentDto, description: 'The draft' }) content: TemplateContent;
  @ApiProperty({ type: TemplateVersionSummaryDto, nullable: true, description: 'The published version, if any' })
  published: TemplateVersionSummaryDto | null;
}

export class RenderedEmailDto {
  @ApiProperty() subject: string;
  @ApiProperty() preheader: string;
  @ApiProperty() html: string;
  @ApiProperty({ description: 'The text part as written, or derived from the HTML' }) text: string;
}
export class RenderedSmsDto {
  @ApiProperty() body: string;
}
export class RenderedPushDto {
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) data: Record<string, string>;
  @ApiProperty({ nullable: true, type: String }) imageUrl: string | null;
}
export class RenderedChatDto {
  @ApiProperty() text: string;
  @ApiProperty() markdown: boolean;
}
export class RenderedInappDto {
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiProperty({ nullable: true, type: String }) actionUrl: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
}
export class RenderedWebhookDto {
  @ApiProperty() url: string;
  @ApiProperty({ ...ANY_JSON, nullable: true }) body: unknown;
}

export class RenderedContentDto {
  @ApiProperty() templateKey: string;
  @ApiProperty({ oneOf: [{ type: 'integer' }, { type: 'string', enum: ['draft'] }] }) version: number | 'draft';
  @ApiProperty({ enum: TEMPLATE_CHANNELS }) channel: TemplateChannel;
  @ApiProperty({ nullable: true, type: String, description: 'The locale variant used; null for the default content' }) locale:
    string | null;
  @ApiPropertyOptional({ type: RenderedEmailDto }) email?: RenderedEmailDto;
  @ApiPropertyOptional({ type: RenderedSmsDto }) sms?: RenderedSmsDto;
  @ApiPropertyOptional({ type: RenderedPushDto }) push?: RenderedPushDto;
  @ApiPropertyOptional({ type: RenderedChatDto }) chat?: RenderedChatDto;
  @ApiPropertyOptional({ type: RenderedInappDto }) inapp?: RenderedInappDto;
  @ApiPropertyOptional({ type: RenderedWebhookDto }) webhook?: RenderedWebhookDto;
}
