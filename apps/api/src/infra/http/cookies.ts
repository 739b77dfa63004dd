import cookieParser from 'cookie-parser';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Cookies as strings only. cookie-parser turns a `j:`-prefixed value into parsed JSON; Itinera
 * sets no JSON cookies, so a value that is not a string came from a client and is dropped
 * (`itinera_session=j:{}` is then simply no session).
 */
export function stringCookies(): RequestHandler[] {
  return [
    cookieParser(),
    (req: Request, _res: Response, next: NextFunction) => {
      const cookies = req.cookies as Record<string, unknown> | undefined;
      for (const [name, value] of Object.entries(cookies ?? {})) if (typeof value !== 'string') delete cookies![name];
      next();
    },
  ];
}
