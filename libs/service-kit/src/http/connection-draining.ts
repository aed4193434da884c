import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';

/**
 * Lets a stopping process go. Node's `server.close()` closes the idle connections once and then
 * waits for the others: a client that keeps its keep-alive connection busy (a probe or a load
 * balancer polling without pause) or a live stream would keep the process up until it is killed.
 * From the first shutdown hook on, every answer closes its connection, and live streams are ended
 * so their clients reconnect elsewhere. The services have it from ServiceKitModule, the dashboard's
 * backend-for-frontend from its own module; each attaches it to its server before any other hook.
 */
@Injectable()
export class ConnectionDraining implements OnModuleDestroy {
  private isStopping = false;
  private readonly streams = new Map<ServerResponse, () => void>();

  /** Marks every answer of the server, before anything else of its request runs. */
  attach(server: FastifyInstance): void {
    server.addHook('onRequest', (_request, reply, done) => {
      this.markAnswer(reply.raw);
      done();
    });
  }

  /** Once stopping, the answer closes its connection. */
  markAnswer(response: ServerResponse): void {
    if (this.isStopping) response.setHeader('connection', 'close');
  }

  /** Whether the process has begun to stop: a long-lived answer is not begun then. */
  get stopping(): boolean {
    return this.isStopping;
  }

  /**
   * A long-lived answer (server-sent events), ended when the process starts stopping: `stop` first
   * (its writers, which must not write after the end), then the answer. `release` once it ended otherwise.
   */
  holdOpen(response: ServerResponse, stop: () => void): { release: () => void } {
    this.streams.set(response, stop);
    return { release: () => this.streams.delete(response) };
  }

  onModuleDestroy(): void {
    this.isStopping = true;
    for (const [stream, stop] of this.streams) {
      stop();
      stream.end();
    }
    this.streams.clear();
  }
}
