import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export const RUN_STATUSES = ['active', 'waiting', 'completed', 'exited', 'cancelled', 'failed'] as const;
export type ProfileRunStatus = (typeof RUN_STATUSES)[number];

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

export class ProfileRunQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: ProfileRunStatus;
}

/** A profile's run of a journey, with where it is now in words the canvas uses. */
export class ProfileRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) journeyId: string;
  @ApiProperty() journeyName: string;
  @ApiProperty({ description: 'The journey version the run follows' }) version: number;
  @ApiProperty({ enum: RUN_STATUSES }) status: ProfileRunStatus;
  @ApiProperty({ nullable: true, type: String, description: 'Id of the step the run is at (or ended at)' }) currentNode: string | null;
  @ApiProperty({ nullable: true, type: String, description: "That step's name on the canvas, when it has one" }) currentNodeName:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: "That step's type: send, delay, wait_for_event…" }) currentNodeType:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The event a waiting run waits for' }) waitingFor: string | null;
  @ApiProperty({ format: 'date-time' }) enteredAt: Date;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) endedAt: Date | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
}

export class ProfileRunPageDto {
  @ApiProperty({ type: [ProfileRunDto] }) data: ProfileRunDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}
