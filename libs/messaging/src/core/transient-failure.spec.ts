import { QueryFailedError } from 'typeorm';
import { isTransientDatabaseFailure } from './transient-failure';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseFailure', () => {
  it.each([
    [
      'an administrator terminated the connection',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['the server is starting up', pgError('57P03', 'the database system is starting up')],
    ['a connection exception', pgError('08006')],
    ['too many connections', pgError('53300')],
    ['a serialization failure', pgError('40001')],
    ['a deadlock victim', pgError('40P01')],
    ['a refused socket', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect')],
    [
      "TypeORM's wrapper of a terminated connection",
      new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection due to administrator command')),
    ],
    ['a wrapped cause', new Error('handler failed', { cause: pgError('08003') })],
  ])('retries %s', (_, error) => {
    expect(isTransientDatabaseFailure(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['an invalid value', pgError('22P02', 'invalid input syntax for type uuid')],
    ['a handler that refuses the event', new Error('the read model refuses it')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something that is not an error', 'connection terminated'],
  ])('does not retry %s for ever', (_, error) => {
    expect(isTransientDatabaseFailure(error)).toBe(false);
  });
});
