import fastifyStatic from '@fastify/static';
import { NodeMiddleware } from '@throughline/service-kit';
import compression from 'compression';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';

/** What the backend-for-frontend answers itself: a path there that nothing answers is a 404, never the page. */
const OWN_PREFIXES = ['/api/', '/auth/', '/health/'];

/**
 * The built single-page app: its files, and index.html for every client route (a reload of
 * /goals/42 must not 404). Without a build, a page that says how to make one. Only these
 * responses are compressed: the API answers pass through as the services sent them, and the
 * live stream must reach the browser event by event, not when a compressor's buffer fills.
 */
export async function serveSinglePageApp(server: FastifyInstance, distDir: string): Promise<void> {
  const index = join(distDir, 'index.html');
  // compression only touches Node's request and response, though its types name Express's.
  const compress = compression() as unknown as NodeMiddleware;
  // Only reply.sendFile (ETag, Last-Modified, ranges): the route below decides what is a file and what a client route.
  await server.register(fastifyStatic, { root: distDir, serve: false, maxAge: '1h' });
  server.get('/*', (request, reply) => {
    const path = request.url.split('?')[0];
    if (OWN_PREFIXES.some((prefix) => path.startsWith(prefix)) || path === '/api') return reply.callNotFound();
    if (!existsSync(index)) return reply.code(503).type('text/html; charset=utf-8').send(notBuiltPage(distDir));
    // Wraps node's response in place; its `next` has nothing left to do.
    compress(request.raw, reply.raw, () => undefined);
    const file = fileIn(distDir, path);
    if (file) return sendBuildFile(reply, file);
    // Hashed assets that are missing are real 404s; every other path is a client route.
    if (path.startsWith('/assets/')) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
}

/**
 * Vite names each asset after its content's hash: a changed file gets a new name, so browsers may
 * keep these for a year. Scripts go out as text/javascript (RFC 9239), as they always have;
 * @fastify/send still calls them application/javascript.
 */
function sendBuildFile(reply: FastifyReply, file: string): FastifyReply {
  const caching = file.startsWith(`assets${sep}`) ? { maxAge: 365 * 24 * 3600 * 1000, immutable: true } : {};
  if (!/\.m?js$/.test(file)) return reply.sendFile(file, caching);
  return reply.type('text/javascript; charset=utf-8').sendFile(file, { ...caching, contentType: false });
}

/** The file a URL path names, relative to the build; none for a directory, a dotfile or a path above the build. */
function fileIn(distDir: string, path: string): string | undefined {
  try {
    const file = normalize(`.${decodeURIComponent(path)}`);
    if (file.split(sep).some((part) => part.startsWith('.'))) return undefined;
    return statSync(join(distDir, file)).isFile() ? file : undefined;
  } catch {
    return undefined; // not a decodable path, or nothing there
  }
}

function notBuiltPage(distDir: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dashboard not built · Throughline</title></head>` +
    `<body><main><h1>The dashboard has not been built yet</h1>` +
    `<p>Build it with <code>npm run dashboard:build</code> ` +
    `(<code>npm start</code> does this for you), then reload this page.</p>` +
    `<p>Looked for <code>${distDir.replace(/[<>&]/g, '')}/index.html</code>.</p></main></body></html>`
  );
}
