import { ApiIfMatch } from './openapi';
import { createParamDecorator, ExecutionContext, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Optimistic concurrency over HTTP: responses carry `ETag: "<version>"`, updates send it back in `If-Match`. */
export function etag(version: number): string {
  return `"${version}"`;
}

export function setETag(reply: FastifyReply, version: number): void {
  reply.header('etag', etag(version));
}

/** Sends the resource's version as its ETag and returns it. */
export function withETag<T extends { version: number }>(reply: FastifyReply, view: T): T {
  setETag(reply, view.version);
  return view;
}

function parseIfMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match)
    throw new HttpException({ message: 'If-Match must be the ETag of the resource, e.g. "3"' }, HttpStatus.BAD_REQUEST);
  return Number(match[1]);
}

const ifMatchVersion = createParamDecorator((_: unknown, context: ExecutionContext): number => {
  const version = parseIfMatch(context.switchToHttp().getRequest<FastifyRequest>());
  if (version === undefined) {
    throw new HttpException(
      {
        message:
          'This update needs an If-Match header with the ETag you read (e.g. If-Match: "3"), so it cannot overwrite a newer change.',
      },
      HttpStatus.PRECONDITION_REQUIRED,
    );
  }
  return version;
});

/** The version the client last saw; required (428 without it), and documented so on the operation. */
export function IfMatch(): ParameterDecorator {
  return (target, method, index) => {
    ifMatchVersion()(target, method, index);
    if (method) ApiIfMatch()(target, method, Object.getOwnPropertyDescriptor(target, method)!);
  };
}
