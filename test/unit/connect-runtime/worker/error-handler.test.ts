import pino from 'pino';
import { ConnectError, RetriableError } from '../../../../connect-runtime/api';
import { ErrorHandler, SKIPPED } from '../../../../connect-runtime/worker/error-handler';

const logger = pino({ level: 'silent' });
const context = { stage: 'VALUE_CONVERTER' as const, record: 't-0@7' };

function handler(config: Record<string, string>): ErrorHandler {
  return new ErrorHandler({ config, connector: 'c', taskId: 'c-0', logger });
}

describe('ErrorHandler', () => {
  it('fails with the stage and the record named when errors.tolerance=none', async () => {
    const failure = handler({}).recover(new Error('bad byte'), context, () => 'never');
    await expect(failure).rejects.toBeInstanceOf(ConnectError);
    await expect(failure).rejects.toThrow('Tolerance exceeded in error handler: stage VALUE_CONVERTER failed for t-0@7: bad byte');
  });

  it('skips with errors.tolerance=all and counts the skip', async () => {
    const h = handler({ 'errors.tolerance': 'all' });
    expect(await h.recover(new Error('bad byte'), context, () => 'never')).toBe(SKIPPED);
    expect(h.skipped).toBe(1);
  });

  it('retries a retriable failure within errors.retry.timeout and returns the first success', async () => {
    let calls = 0;
    const result = await handler({ 'errors.retry.timeout': '5000', 'errors.retry.delay.max.ms': '10' }).recover(new RetriableError('busy'), context, () => {
      calls++;
      if (calls < 3) throw new RetriableError('still busy');
      return 'done';
    });
    expect([result, calls]).toEqual(['done', 3]);
  });

  it('does not retry without errors.retry.timeout, nor a non-retriable error', async () => {
    let calls = 0;
    const op = (): string => {
      calls++;
      return 'done';
    };
    await expect(handler({}).recover(new RetriableError('busy'), context, op)).rejects.toThrow(/busy/);
    await expect(handler({ 'errors.retry.timeout': '5000' }).recover(new Error('broken'), context, op)).rejects.toThrow(/broken/);
    expect(calls).toBe(0);
  });
});
