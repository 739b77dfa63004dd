import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Address ranges outbound requests of plugins may not reach unless allow-listed: everything that
 * is not ordinary public unicast. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are checked as the
 * IPv4 address they carry.
 */
const BLOCKED_RANGES: Array<[name: string, cidr: string]> = [
  ['this network', '0.0.0.0/8'],
  ['private', '10.0.0.0/8'],
  ['carrier-grade NAT', '100.64.0.0/10'],
  ['loopback', '127.0.0.0/8'],
  ['link-local (cloud metadata)', '169.254.0.0/16'],
  ['private', '172.16.0.0/12'],
  ['IETF protocol assignments', '192.0.0.0/24'],
  ['documentation', '192.0.2.0/24'],
  ['6to4 relay', '192.88.99.0/24'],
  ['private', '192.168.0.0/16'],
  ['benchmarking', '198.18.0.0/15'],
  ['documentation', '198.51.100.0/24'],
  ['documentation', '203.0.113.0/24'],
  ['multicast', '224.0.0.0/4'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified', '::/128'],
  ['loopback', '::1/128'],
  ['IPv4-compatible', '::/96'],
  ['NAT64', '64:ff9b::/96'],
  ['NAT64', '64:ff9b:1::/48'],
  ['discard', '100::/64'],
  ['IETF protocol assignments (Teredo)', '2001::/23'],
  ['documentation', '2001:db8::/32'],
  ['6to4', '2002::/16'],
  ['unique-local', 'fc00::/7'],
  ['link-local', 'fe80::/10'],
  ['site-local', 'fec0::/10'],
  ['multicast', 'ff00::/8'],
];

const PARSED_BLOCKED = BLOCKED_RANGES.map(([name, cidr]) => ({ name, cidr, range: ipaddr.parseCIDR(cidr) }));

/** Who may be reached despite the block list (a workspace's allow-list). */
export interface NetworkPolicy {
  /** Host names (exact, or `*.example.com` for sub-domains) or IP literals reached whatever they resolve to. */
  allowHosts?: string[];
  /** Address ranges (CIDR, or a single address) that are allowed even if private. */
  allowCidrs?: string[];
}

export interface AddressVerdict {
  blocked: boolean;
  /** The blocked range the address falls in, e.g. "loopback (127.0.0.0/8)". */
  reason?: string;
  /** The address in canonical form (IPv4-mapped IPv6 unwrapped). */
  address: string;
}

/** Parses an IP address, unwrapping IPv4-mapped IPv6 and dropping a zone id. Null when not an IP. */
export function parseAddress(text: string): Address | null {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare) || isIP(bare) === 0) return null;
  const address = ipaddr.parse(bare);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

function inRange(address: Address, range: [Address, number]): boolean {
  return address.kind() === range[0].kind() && address.match(range);
}

function parseCidrList(cidrs: string[] | undefined): Array<[Address, number]> {
  return (cidrs ?? []).map((entry) => {
    const text = entry.trim();
    if (text.includes('/')) {
      let parsed: [Address, number];
      try {
        parsed = ipaddr.parseCIDR(text);
      } catch {
        throw new Error(`Not an IP address or CIDR range: "${entry}"`);
      }
      const [ip, bits] = parsed;
      const unwrapped = parseAddress(ip.toString());
      if (unwrapped && unwrapped.kind() !== ip.kind()) return [unwrapped, bits - 96] as [Address, number];
      return [ip, bits] as [Address, number];
    }
    const ip = parseAddress(text);
    if (!ip) throw new Error(`Not an IP address or CIDR range: "${entry}"`);
    return [ip, ip.kind() === 'ipv4' ? 32 : 128] as [Address, number];
  });
}

/** Problems with allow-list entries (malformed CIDRs or host names), so configuration can be rejected up front. */
export function checkNetworkPolicy(policy: NetworkPolicy): string[] {
  const problems: string[] = [];
  for (const cidr of policy.allowCidrs ?? []) {
    try {
      parseCidrList([cidr]);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const host of policy.allowHosts ?? []) {
    if (!/^(\*\.)?[a-z0-9._:[\]-]+$/i.test(host)) problems.push(`Not a host name: "${host}"`);
  }
  return problems;
}

/**
 * Whether an IP address may be connected to under `policy`. Anything but public unicast is
 * blocked unless an `allowCidrs` range contains it.
 */
export function checkAddress(ip: string, policy: NetworkPolicy = {}): AddressVerdict {
  const address = parseAddress(ip);
  if (!address) return { blocked: true, reason: 'not an IP address', address: ip };
  const canonical = address.toString();
  if (parseCidrList(policy.allowCidrs).some((range) => inRange(address, range))) return { blocked: false, address: canonical };
  const hit = PARSED_BLOCKED.find(({ range }) => inRange(address, range));
  if (hit) return { blocked: true, reason: `${hit.name} (${hit.cidr})`, address: canonical };
  return { blocked: false, address: canonical };
}

/** Whether a URL's host name is on the allow-list (exact or `*.domain` match, case-insensitive). */
export function isAllowedHost(hostname: string, policy: NetworkPolicy = {}): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  return (policy.allowHosts ?? []).some((entry) => {
    const pattern = entry
      .trim()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    if (pattern === host) return true;
    const a = parseAddress(pattern);
    const b = parseAddress(host);
    return a !== null && b !== null && a.kind() === b.kind() && a.toString() === b.toString();
  });
}
