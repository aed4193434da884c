import { createServer, Server } from 'node:http';
import { LookupFunction } from 'node:net';
import { EndpointRequester } from './endpoint-request';

/** A resolver that answers every name with one address, like a DNS record pointing inside. */
function resolvingTo(address: string): LookupFunction {
  const family = address.includes(':') ? 6 : 4;
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
    options.all ? callback(null, [{ address, family }]) : callback(null, address, family)) as unknown as LookupFunction;
}

const request = { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2000 };

describe('webhook requests: the address guard at connect time', () => {
  const production = new EndpointRequester(true);
  afterAll(() => production.close());

  it.each([
    ['https://hooks.example.test/in', '10.1.2.3'],
    ['https://hooks.example.test/in', '127.0.0.1'],
    ['https://hooks.example.test/in', '169.254.169.254'],
    ['https://hooks.example.test/in', '100.100.100.200'],
    ['https://hooks.example.test/in', '::ffff:169.254.169.254'],
    ['https://hooks.example.test/in', 'fd00::1'],
    ['https://hooks.example.test/in', '0.0.0.0'],
  ])('refuses %s when the name resolves to %s in production', async (url, address) => {
    await expect(production.post(url, { ...request, lookup: resolvingTo(address) })).rejects.toThrow(/not allowed/);
  });

  it.each([
    'https://[::ffff:169.254.169.254]/',
    'https://100.100.100.200/',
    'https://10.0.0.8/',
    'http://127.0.0.1:9/',
  ])('refuses the literal address %s in production', async (url) => {
    await expect(production.post(url, request)).rejects.toThrow(/not allowed/);
  });

  describe('outside production', () => {
    let server: Server;
    let port: number;
    const development = new EndpointRequester(false);
    beforeAll(async () => {
      server = createServer((incoming, response) => incoming.resume().on('end', () => response.writeHead(204).end()));
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      development.close();
      await new Promise((done) => server.close(done));
    });

    it('reaches a local receiver (and answers its status)', async () => {
      await expect(development.post(`http://127.0.0.1:${port}/in`, request)).resolves.toBe(204);
    });

    it('still refuses the unspecified address', async () => {
      await expect(
        development.post(`http://receiver.test:${port}/in`, { ...request, lookup: resolvingTo('0.0.0.0') }),
      ).rejects.toThrow(/not allowed/);
    });
  });
});
