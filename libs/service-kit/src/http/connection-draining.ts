import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Lets a stopping process go. Node's `server.close()` closes the idle connections once and then
 * waits for the others: a client that keeps its keep-alive connection busy (a probe or a load
 * balancer polling without pause) or a live stream would keep the process up until it is killed.
 * From the first shutdown hook on, every answer closes its connection, and live streams are ended
 * so their clients reconnect elsewhere. The services have it from ServiceKitModule, the dashboard's
 * backend-for-frontend from its own module; the middleware goes before any other.
 */
@Injectable()
export class ConnectionDraining implements OnModuleDestroy {
  private stopping = false;
  private readonly streams = new Set<Response>();

  readonly middleware = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.stopping) response.setHeader('connection', 'close');
    next();
  };

  /** A long-lived answer (server-sent events), ended when the process starts stopping; `release` once it ended otherwise. */
  holdOpen(response: Response): { release: () => void } {
    if (this.stopping) response.end();
    else this.streams.add(response);
    return { release: () => this.streams.delete(response) };
  }

  onModuleDestroy(): void {
    this.stopping = true;
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}
