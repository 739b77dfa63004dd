import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { renderProblemPage } from './preference-pages.html.js';
import { type PageAnswer, PreferencePagesService } from './preference-pages.service.js';
import { Public } from '../auth/auth.decorators.js';

const BODY_LIMIT = '64kb';
/** The preference page posts an HTML form; the app only parses JSON globally. */
const formBody = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 5000 });
/** One-click unsubscribe POSTs come with any content type (form-encoded or multipart, per RFC 8058). */
const anyBody = express.raw({ type: () => true, limit: BODY_LIMIT });

/**
 * Hosted pages for recipients, reached from signed links in messages: no login, HTML answers,
 * nothing in the OpenAPI document.
 */
@ApiExcludeController()
@Public()
@Controller()
export class PreferencePagesController {
  constructor(@Inject(PreferencePagesService) private readonly pages: PreferencePagesService) {}

  @Get('preferences/:token')
  async preferencePage(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.pages.preferencePage(token, request.query.saved === '1'));
  }

  @Post('preferences/:token')
  async savePreferences(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const form = await parse(formBody, request, response).catch(() => null);
    if (form === null || typeof form !== 'object') {
      send(response, {
        status: 400,
        html: renderProblemPage('Your choices could not be read', 'Go back to the preference page and save again.'),
      });
      return;
    }
    send(response, await this.pages.savePreferences(token, form as Record<string, string | string[]>));
  }

  @Get('unsubscribe/:token')
  async unsubscribePage(@Param('token') token: string, @Res() response: Response): Promise<void> {
    send(response, await this.pages.unsubscribePage(token));
  }

  @Post('unsubscribe/:token')
  async unsubscribe(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    // The body only tells a one-click request from the page's button; an unreadable one still unsubscribes.
    const body = await parse(anyBody, request, response).catch(() => undefined);
    send(response, await this.pages.unsubscribe(token, bodyText(body)));
  }
}

function parse(parser: RequestHandler, request: Request, response: Response): Promise<unknown> {
  return new Promise((resolve, reject) => {
    parser(request, response, (error?: unknown) => (error ? reject(error) : resolve(request.body ?? {})));
  });
}

function bodyText(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (typeof body === 'object' && body !== null)
    return new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return '';
}

function send(response: Response, answer: PageAnswer): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Robots-Tag', 'noindex, nofollow');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  if ('redirect' in answer) {
    response.redirect(303, answer.redirect);
    return;
  }
  response.status(answer.status).type('html').send(answer.html);
}
