import { ArgumentsHost, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ProblemDetailsFilter } from './problem-details.filter';

/** The filter's answer and log line for one exception, through the parts of Fastify's request and reply it touches. */
function answer(exception: unknown) {
  const sent: { status?: number; body?: string } = {};
  const response = {
    status(code: number) {
      sent.status = code;
      return response;
    },
    type: () => response,
    header: () => response,
    send(body: string) {
      sent.body = body;
      return response;
    },
  };
  const request = { method: 'GET', url: '/v1/things', headers: {} };
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  try {
    new ProblemDetailsFilter().catch(exception, host);
    return { ...sent, problem: JSON.parse(sent.body!), warned: warn.mock.calls, errored: error.mock.calls };
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
}

describe('ProblemDetailsFilter', () => {
  it('answers a chosen 503 with its detail and logs one line without a stack', () => {
    const result = answer(new ServiceUnavailableException('The broker is away; try again in a moment.'));
    expect(result.status).toBe(503);
    expect(result.problem.detail).toBe('The broker is away; try again in a moment.');
    expect(result.warned).toEqual([['GET /v1/things answered 503: The broker is away; try again in a moment.']]);
    expect(result.errored).toEqual([]);
  });

  it('answers the unexpected with a 500 that tells nothing of it, and logs its stack', () => {
    const failure = new TypeError("Cannot read properties of undefined (reading 'id')");
    const result = answer(failure);
    expect(result.status).toBe(500);
    expect(result.body).not.toContain('Cannot read');
    expect(result.errored).toEqual([['GET /v1/things failed', failure.stack]]);
    expect(result.warned).toEqual([]);
  });
});
