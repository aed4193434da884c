import { createServer, Server } from 'node:net';
import { assertPortsFree, freePort, portInUse } from './host';

function listen(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('ports planned for the local system', () => {
  it('names each taken port with what wanted it and the setting that moves it, and passes free ones', async () => {
    const [taken, free] = [await freePort(), await freePort()];
    const server = await listen(taken);
    try {
      expect(await portInUse(taken)).toBe(true);
      expect(await portInUse(free)).toBe(false);
      await expect(
        assertPortsFree([
          { port: free, what: 'the dashboard', setting: 'DASHBOARD_PORT' },
          { port: taken, what: 'Apache Kafka', setting: 'THROUGHLINE_KAFKA_PORT' },
        ]),
      ).rejects.toThrow(
        `Already in use on 127.0.0.1: port ${taken}, wanted for Apache Kafka (THROUGHLINE_KAFKA_PORT moves it). Stop what listens there, or set those variables to free ports.`,
      );
      await expect(
        assertPortsFree([{ port: free, what: 'the dashboard', setting: 'DASHBOARD_PORT' }]),
      ).resolves.toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
