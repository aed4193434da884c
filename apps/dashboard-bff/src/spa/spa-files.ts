import compression from 'compression';
import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The built single-page app: its files, and index.html for every client route (a reload of
 * /goals/42 must not 404). Without a build, a page that says how to make one. Only these
 * responses are compressed: the API answers pass through as the services sent them, and the
 * live stream must reach the browser event by event, not when a compressor's buffer fills.
 */
export function singlePageApp(distDir: string) {
  const index = join(distDir, 'index.html');
  const compressed = compression();
  const files = express.static(distDir, {
    index: false,
    maxAge: '1h',
    // Vite names each asset after its content's hash: a changed file gets a new name, so browsers may keep these.
    setHeaders: (response, path) => {
      if (path.startsWith(join(distDir, 'assets/')))
        response.setHeader('cache-control', `public, max-age=${365 * 24 * 3600}, immutable`);
    },
  });
  return (request: Request, response: Response, next: NextFunction) => {
    if (['/api/', '/auth/', '/health/'].some((prefix) => request.path.startsWith(prefix)) || request.path === '/api')
      return next();
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (!existsSync(index)) {
      response
        .status(503)
        .type('html')
        .send(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dashboard not built · Throughline</title></head>` +
            `<body><main><h1>The dashboard has not been built yet</h1>` +
            `<p>Build it with <code>npm run dashboard:build</code> ` +
            `(<code>npm start</code> does this for you), then reload this page.</p>` +
            `<p>Looked for <code>${distDir.replace(/[<>&]/g, '')}/index.html</code>.</p></main></body></html>`,
        );
      return;
    }
    compressed(request, response, () =>
      files(request, response, () => {
        // Hashed assets that are missing are real 404s; every other path is a client route.
        if (request.path.startsWith('/assets/')) return next();
        response.setHeader('cache-control', 'no-cache');
        response.sendFile(index);
      }),
    );
  };
}
