/**
 * REST listener URLs (`listeners`, `admin.listeners`): `http://host:port` or `https://host:port`, as Kafka Connect's
 * RestServer parses them. An empty host (`http://:8083`) binds every interface; `0.0.0.0` does too; IPv6 hosts go
 * in brackets (`http://[::1]:8083`). Port 0 asks the system for a free port.
 */
import { ConfigError } from '../api/errors';

export type RestProtocol = 'http' | 'https';

export interface RestListener {
  readonly protocol: RestProtocol;
  /** The host to bind, or null for every interface. */
  readonly host: string | null;
  readonly port: number;
  /** The listener as configured. */
  readonly url: string;
}

/** Kafka's RestServer.LISTENER_PATTERN, anchored at both ends. */
const LISTENER = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

/** Parses one listener URL; throws a ConfigError naming `configName`. */
export function parseRestListener(url: string, configName = 'listeners'): RestListener {
  const m = LISTENER.exec(url.trim());
  if (m === null) throw ConfigError.invalidValue(configName, url, `Could not parse listener URL ${url}; expected http://host:port or https://host:port`);
  const protocol = (m[1] as string).toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') {
    throw ConfigError.invalidValue(configName, url, `Listener protocol must be either "http" or "https", but is ${m[1]}`);
  }
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw ConfigError.invalidValue(configName, url, `Listener port must be between 0 and 65535, but is ${m[3]}`);
  const host = m[2] as string;
  return { protocol, host: host === '' ? null : host, port, url: url.trim() };
}

export function parseRestListeners(urls: readonly string[], configName = 'listeners'): RestListener[] {
  return urls.map((u) => parseRestListener(u, configName));
}

/** A URL for a host and port, with IPv6 hosts in brackets. */
export function restUrl(protocol: RestProtocol, host: string, port: number): string {
  return `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}
