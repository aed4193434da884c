import ipaddr from 'ipaddr.js';
import { invalid } from '@throughline/service-kit/domain';

/**
 * Where webhooks may be sent. Production: HTTPS only, and never to an address literal outside
 * public unicast (loopback, private, link-local, CGNAT, IPv4-mapped…): refused here, at
 * registration; names are checked on the resolved address when connecting (endpoint-request.ts).
 * Development (NODE_ENV !== 'production'): also plain HTTP, but only to loopback.
 */
export interface EndpointPolicy {
  production: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\./.test(hostname) || hostname.endsWith('.localhost');
}

function isPrivateLiteral(hostname: string): boolean {
  const address = hostname.replace(/^\[|\]$/g, '');
  return isLoopback(hostname) || (ipaddr.isValid(address) && ipaddr.parse(address).range() !== 'unicast');
}

/** Returns the normalised URL or throws a DomainError that says what to send instead. */
export function checkEndpointUrl(raw: string, policy: EndpointPolicy): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(`"${raw}" is not an absolute URL; send e.g. https://hooks.example.com/throughline.`, 'url');
  }
  if (url.username || url.password)
    throw invalid('The URL must not carry credentials; verify the signature instead.', 'url');
  if (url.hash) throw invalid('The URL must not have a #fragment.', 'url');
  const hostname = url.hostname.toLowerCase();
  if (url.protocol === 'https:') {
    if (policy.production && isPrivateLiteral(hostname))
      throw invalid(`Webhooks cannot be sent to the private or loopback address ${hostname} in production.`, 'url');
    return url.toString();
  }
  if (url.protocol === 'http:') {
    if (policy.production) throw invalid('Webhook URLs must use https:// in production.', 'url');
    if (!isLoopback(hostname))
      throw invalid(
        `Plain http:// is allowed only to loopback (127.0.0.1, ::1, localhost) outside production; use https:// for ${hostname}.`,
        'url',
      );
    return url.toString();
  }
  throw invalid(`Unsupported scheme ${url.protocol}; use https://.`, 'url');
}
