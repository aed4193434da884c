import { LookupFunction } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

export interface EndpointRequestOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Resolves host names (the system resolver unless a test gives its own). */
  lookup?: LookupFunction;
}

/**
 * Posts to a webhook endpoint through agents that check the address a connection is actually
 * made to — after DNS resolution, so a name that resolves (or is re-pointed) to a private,
 * loopback, link-local, CGNAT, IPv4-mapped or unspecified address is refused, not only literals.
 * Outside production private addresses are allowed (local receivers). Redirects are not followed.
 */
export class EndpointRequester {
  private readonly https: RequestFilteringHttpsAgent;
  private readonly http: RequestFilteringHttpAgent;

  constructor(production: boolean) {
    const filter = { allowPrivateIPAddress: !production, allowMetaIPAddress: false, keepAlive: true };
    this.https = new RequestFilteringHttpsAgent(filter);
    this.http = new RequestFilteringHttpAgent(filter);
  }

  /** Resolves with the response status; rejects when no response came (refused address, timeout, network). */
  post(url: string, options: EndpointRequestOptions): Promise<number> {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        target,
        {
          method: 'POST',
          agent: target.protocol === 'https:' ? this.https : this.http,
          headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
          signal: AbortSignal.timeout(options.timeoutMs),
          lookup: options.lookup,
        },
        (response) => {
          response.resume();
          response.once('end', () => resolve(response.statusCode ?? 0));
          response.once('error', reject);
        },
      );
      request.once('error', reject);
      request.end(options.body);
    });
  }

  close(): void {
    this.https.destroy();
    this.http.destroy();
  }
}
