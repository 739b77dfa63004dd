import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditRecorder, SkipAudit } from './audit-recorder.js';
import { AuditRetention } from './audit-retention.js';
import { AuditService } from './audit.service.js';

/** The audit log (see README.md): recorded for every change asked of /api/*, read through GET /api/audit. */
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditRecorder, SkipAudit, AuditRetention],
  exports: [AuditRetention, SkipAudit],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditRecorder).forRoutes({ path: 'api/*path', method: RequestMethod.ALL });
  }
}
