import { All, BadGatewayException, Controller, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { BFF_SETTINGS, DashboardBffEnv, ServiceName, SERVICES, serviceUrl } from '../dashboard-bff.config';
import { SessionAccess } from '../auth/session-access.service';

/** What a request may carry on to a service, and what of the answer comes back. */
const REQUEST_HEADERS = ['accept', 'accept-language', 'content-type', 'if-match', 'if-none-match', 'x-correlation-id'];
const RESPONSE_HEADERS = [
  'content-type',
  'etag',
  'cache-control',
  'content-disposition',
  'retry-after',
  'x-correlation-id',
];

/**
 * `/api/<service>/…` → that service, with the session's bearer token: the browser never holds
 * one. Writes need the CSRF token; a service that cannot be reached answers 502 problem+json.
 */
@Controller('api')
export class ProxyController {
  constructor(
    @Inject(BFF_SETTINGS) private readonly settings: DashboardBffEnv,
    private readonly access: SessionAccess,
  ) {}

  @All(':service/*')
  async forward(
    @Param('service') service: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!SERVICES.includes(service as ServiceName))
      throw new NotFoundException(`There is no service "${service}": use ${SERVICES.join(', ')}.`);
    const session = await this.access.require(request);
    this.access.assertCsrf(request, session);
    const token = await this.access.bearerToken(session);
    const prefix = `/api/${service}`;
    const target = new URL(request.url.slice(prefix.length), serviceUrl(this.settings, service as ServiceName));
    const headers = new Headers({ authorization: `Bearer ${token}` });
    for (const name of REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string' && value) headers.set(name, value);
    }
    const hasBody = !['GET', 'HEAD'].includes(request.method);
    let upstream: Response;
    try {
      upstream = await fetch(target, {
        method: request.method,
        headers,
        body: hasBody ? (Readable.toWeb(request.raw) as ReadableStream) : undefined,
        duplex: 'half',
        signal: AbortSignal.timeout(30_000),
      } as RequestInit);
    } catch {
      throw new BadGatewayException(`The ${service} service cannot be reached; try again in a moment.`);
    }
    // Streamed on as it arrives, into node's response: Fastify must not also answer when this returns.
    reply.hijack();
    const response = reply.raw;
    response.statusCode = upstream.status;
    for (const name of RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value) response.setHeader(name, value);
    }
    const location = upstream.headers.get('location');
    if (location) response.setHeader('location', location.startsWith('/') ? prefix + location : location);
    if (!upstream.body) return void response.end();
    Readable.fromWeb(upstream.body as never)
      .on('error', () => response.destroy())
      .pipe(response);
  }
}
