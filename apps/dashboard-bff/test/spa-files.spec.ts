import fastify, { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serveSinglePageApp } from '../src/spa/spa-files';

/** What Chromium would receive (it accepts gzip and brotli), undecoded. */
function decoded(response: { headers: Record<string, string>; body: Buffer }): string {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body).toString();
  if (encoding === 'gzip') return gunzipSync(response.body).toString();
  return response.body.toString();
}

function get(url: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'accept-encoding': 'gzip, br' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers as Record<string, string>,
          body: Buffer.concat(chunks),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/** The built app's files as the backend-for-frontend serves them, over real HTTP, with a stand-in live stream behind. */
describe('the single-page app files', () => {
  const bundle = `export const figures = ${JSON.stringify(Array.from({ length: 2_000 }, (_, i) => `score ${i}`))};`;
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    const build = mkdtempSync(join(tmpdir(), 'throughline-spa-'));
    writeFileSync(join(build, 'secret.txt'), 'not for browsers');
    const dist = join(build, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Throughline</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets/index-abc123.js'), bundle);
    server = fastify();
    await serveSinglePageApp(server, dist);
    // Written to node's response, as the live controller does.
    server.get('/api/live', (_request, reply) => {
      reply.hijack();
      reply.raw.setHeader('content-type', 'text/event-stream');
      reply.raw.write('data: {"first":true}\n\n');
      reply.raw.end();
    });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('sends hashed assets compressed, to be kept for a year', async () => {
    const asset = await get(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(['br', 'gzip']).toContain(asset.headers['content-encoding']);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.body.length).toBeLessThan(bundle.length / 4);
    expect(decoded(asset)).toBe(bundle);
  });

  it('sends index.html for client routes, revalidated on every visit', async () => {
    const page = await get(`${base}/goals/42`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(decoded(page)).toContain('<div id="root">');
  });

  it('answers 404 for a missing hashed asset rather than the page', async () => {
    expect((await get(`${base}/assets/index-gone.js`)).status).toBe(404);
  });

  it('answers 404 for a path of its own that nothing answers rather than the page', async () => {
    expect((await get(`${base}/api/nothing-here`)).status).toBe(404);
  });

  it('never sends a file from above the build: such a path is a client route', async () => {
    const outside = await get(`${base}/%2e%2e/secret.txt`);
    expect(outside.status).toBe(200);
    expect(decoded(outside)).toContain('<div id="root">');
  });

  it('leaves what is behind it uncompressed: the live stream goes out event by event', async () => {
    const live = await get(`${base}/api/live`);
    expect(live.headers['content-type']).toBe('text/event-stream');
    expect(live.headers['content-encoding']).toBeUndefined();
    expect(live.body.toString()).toBe('data: {"first":true}\n\n');
  });
});
