import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { SkipAudit } from './audit-recorder.js';

/**
 * For a POST that changes nothing (a preview, a simulation, a check): no audit entry. The OpenAPI
 * document says so (`x-itinera-audit: false`), which the audit test reads.
 */
export const NotAudited = () => applyDecorators(ApiExtension('x-itinera-audit', false), UseInterceptors(SkipAudit));
