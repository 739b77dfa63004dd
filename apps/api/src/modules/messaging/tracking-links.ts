import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed open-pixel and click-redirect links, one signature per message (and per target URL for
 * clicks), so nobody can forge engagement or turn the redirect into an open redirect.
 */
export class TrackingLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly publicUrl: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'itinera', 'itinera tracking links v1', 32));
  }

  openUrl(messageId: string): string {
    return `${this.publicUrl}/t/o/${messageId}.${this.sign(`open:${messageId}`)}.gif`;
  }

  clickUrl(messageId: string, target: string): string {
    return `${this.publicUrl}/t/c/${messageId}.${this.sign(`click:${messageId}:${target}`)}?u=${encodeURIComponent(target)}`;
  }

  verifyOpen(messageId: string, signature: string): boolean {
    return this.verify(`open:${messageId}`, signature);
  }

  verifyClick(messageId: string, target: string, signature: string): boolean {
    return this.verify(`click:${messageId}:${target}`, signature);
  }

  /** Adds the open pixel and routes http(s) links through the click redirect (unsubscribe links excepted). */
  instrumentHtml(html: string, messageId: string, skip: (url: string) => boolean): string {
    const rewritten = html.replace(
      /(<a\b[^>]*?\bhref=)(["'])(https?:\/\/[^"']+)\2/gi,
      (whole, start: string, quote: string, url: string) => {
        const target = url.replace(/&amp;/g, '&');
        return skip(target) ? whole : `${start}${quote}${this.clickUrl(messageId, target).replace(/&/g, '&amp;')}${quote}`;
      },
    );
    const pixel = `<img src="${this.openUrl(messageId)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px" />`;
    return /<\/body>/i.test(rewritten) ? rewritten.replace(/<\/body>/i, `${pixel}</body>`) : `${rewritten}${pixel}`;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 32);
  }

  private verify(payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** A 1×1 transparent GIF. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
