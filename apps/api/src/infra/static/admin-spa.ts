import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Paths the core answers itself; the SPA fallback never shadows them. */
const SERVER_PREFIXES = [
  '/api',
  '/v1',
  '/send',
  '/webhooks',
  '/inbox',
  '/preferences',
  '/unsubscribe',
  '/t',
  '/healthz',
  '/readyz',
  '/metrics',
];

/** A request for a file (has an extension) that static serving did not find gets a 404, not index.html. */
const FILE_PATH = /\.[A-Za-z0-9]+$/;

function isServerPath(path: string): boolean {
  return SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Serves the built admin SPA: its files as they are (hashed assets cached for a year), and
 * index.html for any other browser navigation, so deep links work. Returns false when the SPA
 * has not been built.
 */
export function serveAdminSpa(app: { use: (...handlers: unknown[]) => unknown }, distDir: string): boolean {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) return false;
  app.use('/assets', express.static(join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  app.use(express.static(distDir, { index: false, maxAge: 0 }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const navigation = (req.method === 'GET' || req.method === 'HEAD') && !FILE_PATH.test(req.path) && req.accepts('html');
    if (!navigation || isServerPath(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
