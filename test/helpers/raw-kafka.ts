/** A bare socket that speaks single Kafka requests, for tests that need exact bytes or bad input. */
import net from 'node:net';
import { API_SCHEMAS } from '../../broker/protocol/apis';
import { codecFor, type Message } from '../../broker/protocol/codec';
import { readResponseHeader, writeRequestHeader } from '../../broker/protocol/header';
import { Reader, Writer } from '../../broker/protocol/primitives';

export class RawKafka {
  private buffered = Buffer.alloc(0);
  private waiters: Array<(frame: Buffer) => void> = [];
  private correlationId = 1;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiters.shift()?.(frame);
      }
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawKafka> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawKafka(socket)));
      socket.once('error', reject);
    });
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  encodeRequest(apiKey: number, apiVersion: number, body: Message, correlationId = this.correlationId++): Buffer {
    const schemas = API_SCHEMAS.get(apiKey);
    if (!schemas) throw new Error(`no schema for ${apiKey}`);
    const w = new Writer();
    w.int32(0);
    writeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId: 'raw-test' });
    codecFor(schemas.request, apiVersion).write(w, body);
    w.patchInt32(0, w.length - 4);
    return w.toBuffer();
  }

  nextFrame(timeoutMs = 5000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response')), timeoutMs);
      this.waiters.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
    });
  }

  async request(apiKey: number, apiVersion: number, body: Message, timeoutMs = 5000): Promise<Message> {
    this.writeRaw(this.encodeRequest(apiKey, apiVersion, body));
    const frame = await this.nextFrame(timeoutMs);
    const schemas = API_SCHEMAS.get(apiKey);
    if (!schemas) throw new Error(`no schema for ${apiKey}`);
    const r = new Reader(frame);
    readResponseHeader(r, apiKey, apiVersion);
    return codecFor(schemas.response, apiVersion).read(r);
  }

  /** Resolves true once the broker closed this connection (false if still open after `ms`). */
  waitClosed(ms = 3000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
