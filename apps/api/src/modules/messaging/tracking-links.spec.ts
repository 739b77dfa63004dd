import { TrackingLinks } from './tracking-links.js';

describe('TrackingLinks', () => {
  const links = new TrackingLinks('s'.repeat(32), 'https://itinera.example');
  const id = '4f0c1b7e-8a55-4a3e-9d7b-2a1f3c4d5e6f';

  it('signs open and click links per message and per target', () => {
    const open = links.openUrl(id);
    const signature = /\.([A-Za-z0-9_-]{32})\.gif$/.exec(open)![1];
    expect(links.verifyOpen(id, signature)).toBe(true);
    expect(links.verifyOpen('00000000-0000-0000-0000-000000000000', signature)).toBe(false);
    const click = new URL(links.clickUrl(id, 'https://example.com/a?b=1'));
    const clickSig = click.pathname.split('.')[1];
    expect(click.searchParams.get('u')).toBe('https://example.com/a?b=1');
    expect(links.verifyClick(id, 'https://example.com/a?b=1', clickSig)).toBe(true);
    expect(links.verifyClick(id, 'https://evil.example/', clickSig)).toBe(false);
  });

  it('rewrites links, keeps unsubscribe links, adds the pixel', () => {
    const html =
      '<html><body><a href="https://example.com/x?y=1&amp;z=2">x</a><a href="https://itinera.example/unsubscribe/t">u</a></body></html>';
    const out = links.instrumentHtml(html, id, (url) => url.includes('/unsubscribe/'));
    expect(out).toContain('https://itinera.example/t/c/');
    expect(out).toContain(encodeURIComponent('https://example.com/x?y=1&z=2'));
    expect(out).toContain('href="https://itinera.example/unsubscribe/t"');
    expect(out).toMatch(/<img src="https:\/\/itinera\.example\/t\/o\/[^"]+\.gif"[^>]*\/><\/body>/);
  });
});
