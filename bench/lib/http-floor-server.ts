/**
 * One of bench/http-floor.ts's servers, in a process of its own so its CPU is its own: GET
 * /health/live answering `{"status":"ok"}` on Node's http module alone, on Express, or on Nest
 * over Express or over Fastify, with nothing else in the way. Prints its port once listening.
 * `node --import tsx bench/lib/http-floor-server.ts <node|express|nest-express|nest-fastify>`
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import express from 'express';

export const HTTP_FLOOR_SERVERS = ['node', 'express', 'nest-express', 'nest-fastify'] as const;
export type HttpFloorServer = (typeof HTTP_FLOOR_SERVERS)[number];

@Controller('health')
class HealthController {
  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
class FloorModule {}

async function listen(server: HttpFloorServer): Promise<number> {
  if (server === 'node') {
    const plain = http.createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: 'ok' }));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    return (plain.address() as AddressInfo).port;
  }
  if (server === 'express') {
    const app = express();
    app.get('/health/live', (_request, response) => {
      response.json({ status: 'ok' });
    });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    return (listening.address() as AddressInfo).port;
  }
  const app =
    server === 'nest-fastify'
      ? await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(FloorModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

if (require.main === module) {
  const server = process.argv[2] as HttpFloorServer;
  if (!HTTP_FLOOR_SERVERS.includes(server)) throw new Error(`Name one of ${HTTP_FLOOR_SERVERS.join(', ')}.`);
  void listen(server).then((port) => console.log(port));
}
