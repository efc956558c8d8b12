// Where webhooks may go: only to public unicast addresses, never to this machine, a private
// network, link-local addresses (cloud metadata services live at 169.254.169.254 and fd00:ec2::254)
// or any other reserved range, unless a setting allows it (local development and tests).
// ipaddr.js names the ranges; the API checks a URL's host when it is registered, the worker checks
// every address it is about to connect to (so a name that later resolves elsewhere is caught too).
import ipaddr from 'ipaddr.js';

/** Why an address is refused, or undefined for a public unicast address. */
export function refusedAddress(ip: string): string | undefined {
  if (!ipaddr.isValid(ip)) return `${ip} is not an IP address`;
  let addr = ipaddr.parse(ip);
  // ::ffff:10.0.0.1 is 10.0.0.1.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  const range = addr.range();
  return range === 'unicast' ? undefined : `${ip} is a ${range} address`;
}

/** A webhook URL's shape: http(s), no credentials in it; the addresses are checked apart. */
export function webhookUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'must be an http or https URL';
  if (u.username || u.password) return 'must not carry credentials';
  return undefined;
}
