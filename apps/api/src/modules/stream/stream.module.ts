import { Module } from '@nestjs/common';
import { EventStream } from './event-stream.service.js';

@Module({ providers: [EventStream], exports: [EventStream] })
export class StreamModule {}
