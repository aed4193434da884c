import { Controller, Get, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ConnectionDraining } from '@throughline/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionAccess } from '../auth/session-access.service';
import { LiveFeed } from './live-feed.service';
import { mayReceive } from './live-visibility.rules';

/** Server-sent events of the changes the signed-in person may see: `event: <type>`, data `{type, …ids, orgId}`. */
@Controller('api')
export class LiveController {
  constructor(
    private readonly access: SessionAccess,
    private readonly feed: LiveFeed,
    private readonly draining: ConnectionDraining,
  ) {}

  @Get('live')
  async live(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = await this.access.require(request);
    const viewer = { personId: session.person.id, orgId: session.organisation?.id ?? '', role: session.person.role };
    // A stream begun now would be ended at once, and the page's reconnecting would keep its connection busy.
    if (this.draining.stopping) throw new ServiceUnavailableException('Shutting down.');
    // Written to node's response for as long as the page stays: Fastify must not also answer when this returns.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    response.write('retry: 2000\n: connected\n\n');
    const unsubscribe = this.feed.subscribe((message) => {
      if (mayReceive(viewer, message)) response.write(`event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`);
    });
    // A comment now and then keeps proxies from closing a quiet stream.
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    // Ended when this instance stops: the page reconnects (to another one) and refetches.
    const held = this.draining.holdOpen(response, stop);
    response.on('close', () => {
      stop();
      held.release();
    });
  }
}
