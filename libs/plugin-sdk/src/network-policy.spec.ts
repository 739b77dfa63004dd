import { checkAddress, checkNetworkPolicy, isAllowedHost, parseAddress } from './network-policy.js';

describe('checkAddress', () => {
  it.each([
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.1',
    '100.127.255.254',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254',
    '169.254.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '192.0.0.8',
    '198.18.0.1',
    '224.0.0.251',
    '239.255.255.250',
    '255.255.255.255',
    '240.0.0.1',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    '2001::1',
    '2001:db8::1',
    '[::1]',
  ])('blocks %s', (ip) => {
    expect(checkAddress(ip).blocked).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
  ])('allows the public address %s', (ip) => {
    expect(checkAddress(ip)).toEqual({ blocked: false, address: ip });
  });

  it('says why, with the address unwrapped', () => {
    expect(checkAddress('::ffff:169.254.169.254')).toEqual({
      blocked: true,
      reason: 'link-local (cloud metadata) (169.254.0.0/16)',
      address: '169.254.169.254',
    });
    expect(checkAddress('not-an-ip')).toMatchObject({ blocked: true, reason: 'not an IP address' });
  });

  it('lets allow-listed ranges through, IPv4-mapped forms included', () => {
    expect(checkAddress('10.1.2.3', { allowCidrs: ['10.1.0.0/16'] }).blocked).toBe(false);
    expect(checkAddress('10.2.0.1', { allowCidrs: ['10.1.0.0/16'] }).blocked).toBe(true);
    expect(checkAddress('::ffff:10.1.2.3', { allowCidrs: ['10.1.0.0/16'] }).blocked).toBe(false);
    expect(checkAddress('127.0.0.1', { allowCidrs: ['127.0.0.1'] }).blocked).toBe(false);
    expect(checkAddress('10.1.2.3', { allowCidrs: ['::ffff:10.1.0.0/112'] }).blocked).toBe(false);
    expect(checkAddress('fd00::5', { allowCidrs: ['fd00::/8'] }).blocked).toBe(false);
  });
});

describe('allow-lists', () => {
  it('matches host names exactly or by *.domain, and IP literals by value', () => {
    const policy = { allowHosts: ['crm.internal', '*.svc.cluster.local', '::1', '127.0.0.1'] };
    expect(isAllowedHost('CRM.internal', policy)).toBe(true);
    expect(isAllowedHost('crm.internal.', policy)).toBe(true);
    expect(isAllowedHost('evilcrm.internal', policy)).toBe(false);
    expect(isAllowedHost('api.svc.cluster.local', policy)).toBe(true);
    expect(isAllowedHost('svc.cluster.local', policy)).toBe(false);
    expect(isAllowedHost('[0:0:0:0:0:0:0:1]', policy)).toBe(true);
    expect(isAllowedHost('127.0.0.2', policy)).toBe(false);
  });

  it('reports malformed entries', () => {
    expect(checkNetworkPolicy({ allowCidrs: ['10.0.0.0/8', '10.0.0.0/40', 'x'], allowHosts: ['ok.example', 'bad host'] })).toEqual([
      expect.stringContaining('10.0.0.0/40'),
      'Not an IP address or CIDR range: "x"',
      'Not a host name: "bad host"',
    ]);
  });

  it('only parses strict IP literals', () => {
    expect(parseAddress('2130706433')).toBeNull();
    expect(parseAddress('0x7f.1')).toBeNull();
    expect(parseAddress('127.0.0.1')?.toString()).toBe('127.0.0.1');
  });
});
