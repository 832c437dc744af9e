import { QueryFailedError } from 'typeorm';
import { isAcquireTimeout, isConnectionError, isUnavailable } from '../src/common/database/database-status';
import { ServiceUnavailableError } from '../src/common/errors/domain-error';

const withCode = (code: string, message = 'x', extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('recognising database outages', () => {
  it.each([
    ['refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['the Unix socket gone', withCode('ENOENT', 'connect ENOENT /tmp/.s.PGSQL.5432', { syscall: 'connect' })],
    ['admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', withCode('57P02')],
    ['starting up or shutting down', withCode('57P03', 'the database system is starting up')],
    ['connection exception class 08', withCode('08006')],
    ['a connection terminated', new Error('Connection terminated unexpectedly')],
    ['a client that is not queryable', new Error('Client has encountered a connection error and is not queryable')],
    ['wrapped by TypeORM', new QueryFailedError('SELECT 1', [], withCode('57P01'))],
    ['wrapped by GraphQL', Object.assign(new Error('wrapped'), { originalError: withCode('ECONNREFUSED') })],
  ])('%s is an outage, answered SERVICE_UNAVAILABLE', (_, error) => {
    expect(isConnectionError(error)).toBe(true);
    expect(isUnavailable(error)).toBe(true);
  });

  it('an acquire timeout or a statement timeout is SERVICE_UNAVAILABLE without being an outage', () => {
    const acquire = new Error('timeout exceeded when trying to connect');
    expect([isAcquireTimeout(acquire), isConnectionError(acquire), isUnavailable(acquire)]).toEqual([true, false, true]);
    const statement = new QueryFailedError('SELECT pg_sleep(60)', [], withCode('57014', 'canceling statement due to statement timeout'));
    expect([isConnectionError(statement), isUnavailable(statement)]).toEqual([false, true]);
    expect(isUnavailable(new ServiceUnavailableError())).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('23505'))],
    ['a missing file', withCode('ENOENT', "ENOENT: no such file or directory, open 'x'", { syscall: 'open' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('%s is not', (_, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});
