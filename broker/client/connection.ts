/**
 * One connection to one broker, over TCP or another transport (transport.ts). Requests are
 * pipelined: each is written as soon as it is made, many can be in flight, and because a broker
 * answers a connection's requests in order, responses are matched to the oldest outstanding
 * request (the correlation id is checked, not searched for). On connect the connection negotiates
 * versions with ApiVersions, and for each API picks the highest version that both sides support,
 * capped to versions where topics are addressed by name.
 *
 * A request that times out closes the connection, as the Java client does: its response may still
 * arrive, and only closing keeps later responses from being matched to the wrong request.
 */
import { FrameSplitter } from '../protocol/frame-splitter';
import { API_SCHEMAS, ApiKey, type ApiSchemas } from '../protocol/apis';
import { codecFor, type Message } from '../protocol/codec';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { readResponseHeader, writeRequestHeader } from '../protocol/header';
import { Reader, Writer } from '../protocol/primitives';
import { parseVersions } from '../protocol/schema';
import { ConnectionError, abortError, brokerError } from './errors';
import { tcpTransport, type ByteStream, type Transport } from './transport';

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId?: string;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Default for requests that give no timeout of their own; default 30 s. */
  requestTimeoutMs?: number;
  /** Aborts connecting and negotiating. */
  signal?: AbortSignal;
  /** How to reach the broker; default TCP. */
  transport?: Transport;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Rejects the request's promise; its response is then read and dropped. */
  signal?: AbortSignal;
}

/** Highest versions used per API: later ones address topics by id or need features we lack. */
export const VERSION_CAPS: ReadonlyMap<number, number> = new Map([
  [ApiKey.Produce, 9],
  [ApiKey.Fetch, 12],
  [ApiKey.ListOffsets, 5],
  [ApiKey.Metadata, 9],
  [ApiKey.CreateTopics, 7],
  [ApiKey.DeleteTopics, 6],
  // Group APIs: the versions kcat/librdkafka and kafkajs use; later ones change the group protocol.
  [ApiKey.JoinGroup, 5],
  [ApiKey.SyncGroup, 3],
  [ApiKey.Heartbeat, 3],
  [ApiKey.LeaveGroup, 4],
  [ApiKey.OffsetCommit, 8],
  [ApiKey.OffsetFetch, 7],
  [ApiKey.DescribeGroups, 5],
  [ApiKey.ListGroups, 4],
  [ApiKey.DeleteGroups, 2],
  [ApiKey.OffsetDelete, 0],
]);

const API_VERSIONS_MAX = 3;
const CLIENT_SOFTWARE_NAME = 'sluice';
const CLIENT_SOFTWARE_VERSION = '0.1.0';

interface InFlight {
  correlationId: number;
  apiKey: number;
  version: number;
  decode: (r: Reader) => Message;
  resolve: (m: Message) => void;
  reject: (e: Error) => void;
  deadline: number;
  timeoutMs: number;
  /** Rejected early (aborted); its response is still consumed. */
  settled: boolean;
  detach?: () => void;
}

export interface VersionRange {
  min: number;
  max: number;
}

function apiName(apiKey: number): string {
  return API_SCHEMAS.get(apiKey)?.name ?? `API ${apiKey}`;
}

export class BrokerConnection {
  readonly address: string;
  private readonly socket: ByteStream;
  private readonly clientId: string;
  /** Default timeout of requests that give none. */
  readonly requestTimeoutMs: number;
  private readonly queue: InFlight[] = [];
  private nextCorrelationId = 1;
  private brokerVersions = new Map<number, VersionRange>();
  private chosen = new Map<number, number>();
  private readonly frames = new FrameSplitter({
    minFrameBytes: 4,
    // A response is as large as the broker chose to make it (fetches especially): no cap but int32's.
    maxFrameBytes: 0x7fffffff,
    onFrame: (frame) => this.onFrame(frame),
    onInvalidSize: (size) => this.protocolFailure(`response frame of ${size} bytes`),
  });
  private timer: NodeJS.Timeout | null = null;
  private closeReason: string | null = null;
  private drainWaiters: Array<() => void> = [];

  private constructor(socket: ByteStream, readonly host: string, readonly port: number, opts: ConnectionOptions) {
    this.socket = socket;
    this.address = `${host}:${port}`;
    this.clientId = opts.clientId ?? 'sluice';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30000;
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.frames.push(chunk));
    socket.on('drain', () => this.drainWaiters.splice(0).forEach((w) => w()));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.closeReason ??= err.code ?? err.message;
    });
    socket.on('close', () => this.failAll(new ConnectionError(`connection to broker at ${this.address} closed${this.closeReason ? `: ${this.closeReason}` : ''}`, 'CONNECTION_CLOSED')));
  }

  /** Opens the connection and negotiates API versions. */
  static async connect(opts: ConnectionOptions): Promise<BrokerConnection> {
    const socket = await (opts.transport ?? tcpTransport)(opts);
    const conn = new BrokerConnection(socket, opts.host, opts.port, opts);
    try {
      await conn.negotiate(opts.signal);
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  /** Requests written and not yet answered. */
  get inFlight(): number {
    return this.queue.length;
  }

  /** The broker's advertised range for an API, or undefined when it does not offer it. */
  brokerRange(apiKey: number): VersionRange | undefined {
    return this.brokerVersions.get(apiKey);
  }

  supports(apiKey: number): boolean {
    return this.chosen.has(apiKey);
  }

  /** The negotiated version of an API (optionally capped lower); throws when there is no common version. */
  version(apiKey: number, cap?: number): number {
    const v = this.chosen.get(apiKey);
    if (v === undefined) {
      const range = this.brokerVersions.get(apiKey);
      const why = range ? `the broker offers versions ${range.min}-${range.max}, none of which this client speaks` : 'the broker does not offer it';
      throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, `${apiName(apiKey)} is not usable with broker ${this.address}: ${why}`);
    }
    return cap === undefined ? v : Math.min(v, cap);
  }

  /** Highest common version up to `max`, ignoring the usual cap (for opt-in features such as topic ids). */
  highestVersion(apiKey: number, max: number): number | undefined {
    const range = this.brokerVersions.get(apiKey);
    const ours = API_SCHEMAS.get(apiKey);
    if (!range || !ours) return undefined;
    const v = Math.min(max, range.max, parseVersions(ours.request.validVersions).max);
    return v >= range.min ? v : undefined;
  }

  /** Sends a request at the negotiated version. */
  call(apiKey: number, body: Message, opts: RequestOptions = {}): Promise<Message> {
    return this.request(apiKey, this.version(apiKey), body, opts);
  }

  /** Sends a request and resolves with the decoded response body. */
  request(apiKey: number, version: number, body: Message, opts: RequestOptions = {}): Promise<Message> {
    const schemas = API_SCHEMAS.get(apiKey);
    if (!schemas) return Promise.reject(new Error(`no schema for API key ${apiKey}`));
    const codec = codecFor(schemas.response, version);
    return this.send(apiKey, version, body, (r) => codec.read(r), opts);
  }

  /** Writes a request that gets no response (Produce with acks=0); resolves once the socket accepted it. */
  async sendWithoutResponse(apiKey: number, version: number, body: Message): Promise<void> {
    if (this.closed) throw this.closedError();
    const correlationId = this.takeCorrelationId();
    if (!this.write(this.encode(apiKey, version, correlationId, body))) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  /** Closes the socket; outstanding requests fail with a ConnectionError. */
  close(): void {
    this.closeReason ??= 'closed by the client';
    this.socket.destroy();
  }

  private send(apiKey: number, version: number, body: Message, decode: (r: Reader) => Message, opts: RequestOptions): Promise<Message> {
    if (this.closed) return Promise.reject(this.closedError());
    if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal));
    const correlationId = this.takeCorrelationId();
    let frame: Buffer[];
    try {
      frame = this.encode(apiKey, version, correlationId, body);
    } catch (err) {
      return Promise.reject(new Error(`cannot encode ${apiName(apiKey)} v${version} request: ${(err as Error).message}`));
    }
    return new Promise<Message>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
      const entry: InFlight = { correlationId, apiKey, version, decode, resolve, reject, deadline: Date.now() + timeoutMs, timeoutMs, settled: false };
      const signal = opts.signal;
      if (signal) {
        const onAbort = (): void => {
          if (entry.settled) return;
          entry.settled = true;
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        entry.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(entry);
      this.armTimer();
      this.write(frame);
    });
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id >= 0x7fffffff ? 1 : id + 1;
    return id;
  }

  private encode(apiKey: number, version: number, correlationId: number, body: Message): Buffer[] {
    const schemas = API_SCHEMAS.get(apiKey);
    if (!schemas) throw new Error(`no schema for API key ${apiKey}`);
    const w = new Writer(256);
    w.int32(0);
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: this.clientId });
    codecFor(schemas.request, version).write(w, body);
    w.patchInt32(0, w.length - 4);
    return w.toChunks();
  }

  /** Returns false when the socket's buffer is full (the caller may wait for 'drain'). */
  private write(chunks: Buffer[]): boolean {
    if (chunks.length === 1) return this.socket.write(chunks[0] as Buffer);
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
    return !this.socket.writableNeedDrain;
  }

  private async negotiate(signal?: AbortSignal): Promise<void> {
    let version = API_VERSIONS_MAX;
    for (;;) {
      const res = await this.send(ApiKey.ApiVersions, version, { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION }, (r) => decodeApiVersions(r, version), { signal });
      if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        // KIP-511: the broker answers in v0 format and lists its ApiVersions range; retry below it.
        const own = (res.apiKeys as Message[]).find((k) => k.apiKey === ApiKey.ApiVersions);
        const next = Math.min(version - 1, own ? own.maxVersion : version - 1);
        if (next < 0) throw brokerError(res.errorCode, null, `ApiVersions with broker ${this.address}`);
        version = next;
        continue;
      }
      if (res.errorCode !== ErrorCode.NONE) throw brokerError(res.errorCode, null, `ApiVersions with broker ${this.address}`);
      for (const k of res.apiKeys as Message[]) this.brokerVersions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      break;
    }
    for (const [apiKey, schemas] of API_SCHEMAS) {
      const broker = this.brokerVersions.get(apiKey);
      if (!broker) continue;
      const ours = parseVersions(schemas.request.validVersions);
      const max = Math.min(ours.max, broker.max, VERSION_CAPS.get(apiKey) ?? Number.MAX_SAFE_INTEGER);
      if (max >= Math.max(ours.min, broker.min)) this.chosen.set(apiKey, max);
    }
  }

  private onFrame(frame: Buffer): void {
    const entry = this.queue.shift();
    const correlationId = frame.readInt32BE(0);
    if (!entry || entry.correlationId !== correlationId) {
      this.protocolFailure(`response with correlation id ${correlationId} does not match the oldest request (${entry?.correlationId ?? 'none'})`);
      return;
    }
    entry.detach?.();
    if (entry.settled) return;
    entry.settled = true;
    let body: Message;
    try {
      const r = new Reader(frame);
      readResponseHeader(r, entry.apiKey, entry.version);
      body = entry.decode(r);
    } catch (err) {
      entry.reject(new Error(`cannot decode ${apiName(entry.apiKey)} response from broker ${this.address}: ${(err as Error).message}`));
      return;
    }
    entry.resolve(body);
  }

  private armTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.checkTimeouts(), 200);
    this.timer.unref();
  }

  private checkTimeouts(): void {
    if (this.queue.length === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    const now = Date.now();
    for (const entry of this.queue) {
      if (entry.settled || entry.deadline > now) continue;
      entry.settled = true;
      entry.detach?.();
      entry.reject(new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `${apiName(entry.apiKey)} request to broker ${this.address} timed out after ${entry.timeoutMs} ms`));
      this.closeReason ??= 'a request timed out';
      this.socket.destroy();
      return;
    }
  }

  private protocolFailure(reason: string): void {
    this.closeReason ??= reason;
    this.socket.destroy();
  }

  private closedError(): ConnectionError {
    return new ConnectionError(`connection to broker at ${this.address} is closed${this.closeReason ? `: ${this.closeReason}` : ''}`, 'CONNECTION_CLOSED');
  }

  private failAll(err: Error): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const entry of this.queue.splice(0)) {
      entry.detach?.();
      if (entry.settled) continue;
      entry.settled = true;
      entry.reject(err);
    }
    this.drainWaiters.splice(0).forEach((w) => w());
  }
}

/** ApiVersions answers an unsupported version in v0 format; its error code comes first in every version. */
function decodeApiVersions(r: Reader, version: number): Message {
  const schemas = API_SCHEMAS.get(ApiKey.ApiVersions) as ApiSchemas;
  const errorCode = r.remaining >= 2 ? r.buf.readInt16BE(r.pos) : ErrorCode.NONE;
  return codecFor(schemas.response, errorCode === ErrorCode.UNSUPPORTED_VERSION ? 0 : version).read(r);
}
