import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { DEFAULT_PREFERENCES, type DefaultPreference, TOPIC_KEY } from '../preference-rules.js';

// eslint-disable-next-line no-control-regex -- finding NUL characters is what this pattern is for
const NO_NUL = /^[^\u0000]*$/;
const KEY_MESSAGE = 'key must be a slug of 1-64 lowercase letters, digits, - or _, starting with a letter or digit (e.g. product-updates)';

export class CreateTopicDto {
  @ApiProperty({ example: 'product-updates', description: 'Unique in the workspace; what send nodes and `/send` name. Cannot change.' })
  @IsString()
  @Matches(TOPIC_KEY, { message: KEY_MESSAGE })
  key: string;

  @ApiProperty({ example: 'Product updates', description: 'Shown to recipients on the preference page' })
  @IsString()
  @Length(1, 200)
  @Matches(NO_NUL, { message: 'name must not contain NUL characters' })
  name: string;

  @ApiPropertyOptional({ example: 'New features, once a month' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  @Matches(NO_NUL, { message: 'description must not contain NUL characters' })
  description?: string;

  @ApiProperty({ enum: DEFAULT_PREFERENCES, description: '`required` topics (billing, security) ignore opt-outs' })
  @IsIn(DEFAULT_PREFERENCES)
  defaultPreference: DefaultPreference;

  @ApiPropertyOptional({ default: false, description: 'Messages of this topic are sent during quiet hours (security, billing)' })
  @IsOptional()
  @IsBoolean()
  bypassQuietHours?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Messages of this topic neither count against nor are stopped by frequency caps' })
  @IsOptional()
  @IsBoolean()
  exemptFromCaps?: boolean;
}

export class UpdateTopicDto {
  @ApiPropertyOptional({ example: 'Product updates' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NO_NUL, { message: 'name must not contain NUL characters' })
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes it' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @Length(0, 2000)
  @Matches(NO_NUL, { message: 'description must not contain NUL characters' })
  description?: string | null;

  @ApiPropertyOptional({ enum: DEFAULT_PREFERENCES })
  @IsOptional()
  @IsIn(DEFAULT_PREFERENCES)
  defaultPreference?: DefaultPreference;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  bypassQuietHours?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  exemptFromCaps?: boolean;
}

export class TopicDto {
  @ApiProperty({ example: 'product-updates' }) key: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: DEFAULT_PREFERENCES }) defaultPreference: DefaultPreference;
  @ApiProperty() bypassQuietHours: boolean;
  @ApiProperty() exemptFromCaps: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) updatedAt: Date;
}
