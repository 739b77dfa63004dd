import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class WorkerProbeDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 30000,
    default: 0,
    description: 'How long the worker holds the job (rehearses a graceful drain)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30_000)
  holdMs?: number;

  @ApiPropertyOptional({
    minimum: 100,
    maximum: 60000,
    default: 10000,
    description: 'How long to wait for a worker to finish the probe; at least holdMs + 1000',
  })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60_000)
  timeoutMs?: number;
}

export class WorkerProbeResultDto {
  @ApiProperty() jobId: string;
  @ApiProperty({ description: 'Process id of the worker that ran the probe' }) workerPid: number;
  @ApiProperty({ description: 'Milliseconds from enqueue until the worker started the job' }) pickupMs: number;
  @ApiProperty({ description: 'Milliseconds from enqueue until the result was seen' }) roundTripMs: number;
}
