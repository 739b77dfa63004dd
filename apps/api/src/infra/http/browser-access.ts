import cors from 'cors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every answer (helmet): a Content-Security-Policy that lets the admin SPA
 * and the API docs load their own scripts and nothing else, no framing (`frame-ancestors 'none'`,
 * `X-Frame-Options: DENY`), `X-Content-Type-Options: nosniff`, no referrer. HSTS and
 * upgrade-insecure-requests only when the public URL is https (a plain-http deployment would
 * otherwise be told to load itself over https).
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  const https = publicUrl.startsWith('https://');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        // The admin validates journeys in the browser with the journey model, whose JSON Schema
        // checks (Ajv) compile to functions: plugin schemas arrive at run time, so they cannot be
        // compiled ahead. Scripts still come only from this origin.
        'script-src': ["'self'", "'unsafe-eval'"],
        'script-src-attr': ["'none'"],
        // React Flow and the API docs set inline styles. E-mail previews (the template editor's
        // frames) show what recipients will see: images, web fonts and stylesheets from anywhere on https.
        'style-src': ["'self'", "'unsafe-inline'", 'https:'],
        'img-src': ["'self'", 'data:', 'https:'],
        'font-src': ["'self'", 'data:', 'https:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    // Open and click tracking answers images to mail clients on other origins: see crossOriginResources.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}

/** Tracking pixels and redirects are embedded by mail clients on other origins. */
export function crossOriginResources(): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  };
}

/**
 * CORS for the routes a product's web app calls from the browser: `/v1` (analytics.js and
 * RudderStack's JavaScript SDK post events cross-origin; write keys are public, so any origin
 * may, as with Segment's API) and `/inbox` (write key plus a per-user token). Preflights are
 * answered for every origin, since they carry no key; a write key with allowed origins then
 * refuses requests from other origins (see `assertOriginAllowed`). No cookie authenticates
 * either route. RudderStack's SDK sends credentialed requests, so `/v1` allows credentials.
 */
export function browserCors(route: 'ingestion' | 'inbox'): RequestHandler {
  return cors({
    origin: true,
    methods: route === 'ingestion' ? ['POST', 'OPTIONS'] : ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'],
    credentials: route === 'ingestion',
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 7200,
    optionsSuccessStatus: 204,
  });
}
