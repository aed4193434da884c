import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  answered: number;
}

/** A real HTTP endpoint on 127.0.0.1 whose answer the test decides, request by request. */
export class TestWebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests received and not answered yet. */
  open = 0;
  maxOpen = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(answer: (requestNumber: number) => number | Promise<number>): Promise<TestWebhookReceiver> {
    let receiver: TestWebhookReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const self = receiver!;
        self.open++;
        self.maxOpen = Math.max(self.maxOpen, self.open);
        const status = await answer(self.requests.length + self.open);
        self.open--;
        self.requests.push({
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          answered: status,
        });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new TestWebhookReceiver(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/throughline`,
    );
    return receiver;
  }

  /** What the receiver accepted (2xx): what an integrator would have processed. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((request) => request.answered >= 200 && request.answered < 300);
  }

  get failed(): ReceivedRequest[] {
    return this.requests.filter((request) => request.answered >= 300);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
