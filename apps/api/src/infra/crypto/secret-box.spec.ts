import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox('a'.repeat(32));

  it('round-trips and never produces the same ciphertext twice', () => {
    const a = box.seal('twilio-auth-token', 'ws1:twilio');
    const b = box.seal('twilio-auth-token', 'ws1:twilio');
    expect(a).not.toBe(b);
    expect(a).not.toContain('twilio-auth-token');
    expect(box.open(a, 'ws1:twilio')).toBe('twilio-auth-token');
  });

  it('refuses another context, another key, or a tampered ciphertext', () => {
    const sealed = box.seal('secret', 'ws1');
    expect(() => box.open(sealed, 'ws2')).toThrow();
    expect(() => new SecretBox('b'.repeat(32)).open(sealed, 'ws1')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'ws1')).toThrow();
    expect(() => box.open('garbage')).toThrow(/Not a sealed/);
  });
});
