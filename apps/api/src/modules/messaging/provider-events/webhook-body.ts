import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * Provider webhooks are verified over the exact bytes received, so /webhooks keeps the raw body
 * (`req.rawBody`) and parses JSON or form bodies itself.
 */
export function webhookBodyParser() {
  return [
    express.raw({ type: () => true, limit: '1mb' }),
    (req: Request & { rawBody?: Buffer }, res: Response, next: NextFunction) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      req.rawBody = raw;
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const text = raw.toString('utf8');
      try {
        if (type === 'application/x-www-form-urlencoded') req.body = Object.fromEntries(new URLSearchParams(text));
        else if (type.endsWith('json') && text.length > 0) req.body = JSON.parse(text);
        else req.body = text;
      } catch {
        res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'Webhook body is not valid JSON' });
        return;
      }
      next();
    },
  ];
}
