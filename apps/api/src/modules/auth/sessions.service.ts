import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Repository } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config.js';
import { randomToken, sha256 } from './secret-tokens.js';
import { SessionEntity } from './session.entity.js';

@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  get ttlMs(): number {
    return this.config.ITINERA_SESSION_TTL_HOURS * 3_600_000;
  }

  /** Opens a session and returns the cookie token (in clear, only here). */
  async open(userId: string, workspaceId: string): Promise<{ token: string; session: SessionEntity }> {
    const token = randomToken(43);
    const session = await this.sessions.save(
      this.sessions.create({ userId, workspaceId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + this.ttlMs) }),
    );
    await this.sessions.delete({ userId, expiresAt: LessThan(new Date()) });
    return { token, session };
  }

  findActive(token: string): Promise<SessionEntity | null> {
    return this.sessions.findOne({ where: { tokenHash: sha256(token), expiresAt: MoreThan(new Date()) } });
  }

  async close(sessionId: string): Promise<void> {
    await this.sessions.delete({ id: sessionId });
  }
}
