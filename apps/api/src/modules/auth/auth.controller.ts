import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../infra/config/app-config.js';
import { Caller, Public, RequireRole } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { IdentityDto, LoginDto } from './dto/auth.dto.js';
import { type Principal, SESSION_COOKIE } from './principal.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in to the admin; sets an HttpOnly session cookie' })
  @ApiOkResponse({ type: IdentityDto })
  @ApiUnauthorizedResponse({ description: 'E-mail or password is incorrect' })
  @ApiTooManyRequestsResponse({
    description: 'Too many attempts for this e-mail or from this address; `Retry-After` says when to try again',
  })
  async login(@Body() body: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<IdentityDto> {
    const { token, principal } = await this.auth.login(body.email, body.password, request.ip);
    response.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.publicUrl.startsWith('https://'),
      path: '/',
      maxAge: this.sessions.ttlMs,
    });
    return this.auth.identity(principal);
  }

  @Post('logout')
  @RequireRole('viewer')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiOperation({ summary: 'End the admin session' })
  @ApiNoContentResponse()
  async logout(@Caller() caller: Principal, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(caller);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the caller is: user (for sessions), workspace and role' })
  @ApiOkResponse({ type: IdentityDto })
  me(@Caller() caller: Principal): Promise<IdentityDto> {
    return this.auth.identity(caller);
  }
}
