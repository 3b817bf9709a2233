/** Opening the TCP socket of a broker connection, with a connect timeout, abort, and errors that name the broker. */
import net from 'node:net';
import { ConnectionError, abortError } from './errors';

export interface SocketOptions {
  host: string;
  port: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

export function openSocket(opts: SocketOptions): Promise<net.Socket> {
  const where = `${opts.host}:${opts.port}`;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(abortError(opts.signal));
      return;
    }
    const socket = net.connect({ host: opts.host, port: opts.port });
    const timeoutMs = opts.connectTimeoutMs ?? 10000;
    const fail = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: NodeJS.ErrnoException): void =>
      fail(new ConnectionError(`cannot connect to broker at ${where}: ${err.code ?? err.message}`, err.code ?? 'ECONNECT'));
    const onAbort = (): void => fail(abortError(opts.signal as AbortSignal));
    const timer = setTimeout(() => fail(new ConnectionError(`cannot connect to broker at ${where}: timed out after ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    socket.once('error', onError);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      resolve(socket);
    });
  });
}
