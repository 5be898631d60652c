import net from 'node:net';
import { buildConnector } from 'undici';
import type { EndpointTls } from '../store/Store.js';
import { guardedLookup, ipLiteralReason } from './ssrfGuard.js';

/** The code of a failure between Hookline and its egress proxy; attempts record it as `proxy`. */
export const PROXY_FAILED_CODE = 'HOOKLINE_PROXY_FAILED';

/** How attempts leave the process: HOOKLINE_EGRESS_PROXY and HOOKLINE_EGRESS_NO_PROXY, already validated by config. */
export interface EgressOptions {
  egressProxy: string | null;
  egressNoProxy: readonly string[];
}

export interface ConnectorOptions extends EgressOptions {
  allowPrivateNetworks: boolean;
  connectTimeoutMs: number;
  tls?: EndpointTls;
}

/** A proxy answer's head larger than this is not a proxy we can talk to. */
const MAX_PROXY_HEAD_BYTES = 8192;

function proxyError(message: string): Error {
  return Object.assign(new Error(message), { code: PROXY_FAILED_CODE });
}

/** The TLS options for one endpoint: its client certificate and, when given, its only trusted CA. */
export function tlsConnectOptions(tls: EndpointTls | undefined): { cert?: string; key?: string; ca?: string } {
  if (!tls) return {};
  return {
    ...(tls.client_cert && tls.client_key ? { cert: tls.client_cert, key: tls.client_key } : {}),
    ...(tls.ca ? { ca: tls.ca } : {}),
  };
}

/** Whether a host is reached without the proxy: an exact entry, a parent domain of it, or `*`. */
export function bypassesProxy(hostname: string, port: string, noProxy: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  for (const entry of noProxy) {
    if (entry === '*') return true;
    const [name, entryPort] = entry.startsWith('[') ? [entry.slice(0, entry.indexOf(']') + 1), entry.split(']:')[1]] : entry.split(':');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * undici's `connect` for endpoints with TLS material or behind the egress proxy. Direct
 * connections are undici's own connector with the SSRF guard as its DNS lookup. Through the
 * proxy, Hookline resolves and checks the target itself and asks the proxy to CONNECT to that
 * checked address rather than to the name: the proxy would otherwise resolve the name again,
 * and a rebinding DNS answer there would reach what the guard refused (docs/endpoint-auth.md).
 * TLS to the endpoint runs inside the tunnel, so the proxy sees neither the request nor the
 * client certificate's key.
 */
export function createConnector(opts: ConnectorOptions): buildConnector.connector {
  const direct = buildConnector({
    lookup: guardedLookup({ allowPrivateNetworks: opts.allowPrivateNetworks }),
    timeout: opts.connectTimeoutMs,
    ...tlsConnectOptions(opts.tls),
  });
  const proxy = opts.egressProxy === null ? null : new URL(opts.egressProxy);
  if (proxy === null) return direct;
  const authorization = proxy.username !== ''
    ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
    : null;

  return (options, callback) => {
    const port = options.port || (options.protocol === 'https:' ? '443' : '80');
    if (bypassesProxy(options.hostname, port, opts.egressNoProxy)) return direct(options, callback);
    void tunnel(options.hostname, port).then(
      (socket) => {
        if (options.protocol !== 'https:') return callback(null, socket);
        const servername = options.servername || (net.isIP(options.hostname.replace(/^\[|\]$/g, '')) ? undefined : options.hostname);
        direct({ ...options, servername, httpSocket: socket }, callback);
      },
      (err: Error) => callback(err, null),
    );
  };

  async function tunnel(hostname: string, port: string): Promise<net.Socket> {
    const target = await checkedAddress(hostname);
    const authority = target.includes(':') ? `[${target}]:${port}` : `${target}:${port}`;
    const socket = net.connect({ host: proxy!.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy!.port || 80) });
    return new Promise<net.Socket>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => fail(proxyError(`the egress proxy did not open a tunnel within ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', (err) => fail(proxyError(`the egress proxy cannot be reached: ${err.message}`)));
      socket.once('connect', () => {
        socket.write(
          `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n` +
            (authorization ? `Proxy-Authorization: ${authorization}\r\n` : '') +
            '\r\n',
        );
      });
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) {
          if (head.length > MAX_PROXY_HEAD_BYTES) fail(proxyError('the egress proxy answered CONNECT with an oversized head'));
          return;
        }
        socket.off('data', onData);
        clearTimeout(timer);
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
        if (status !== '200') return fail(proxyError(`the egress proxy refused CONNECT to ${authority} (${status ? `HTTP ${status}` : 'not HTTP'})`));
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        // From here undici (or TLS above it) owns the socket and its errors; the no-op keeps an
        // error in the moment before it listens from being an uncaught one.
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        resolve(socket);
      };
      socket.on('data', onData);
    });
  }

  /** The address the tunnel goes to: checked by the SSRF guard unless private networks are allowed (then the proxy resolves the name). */
  function checkedAddress(hostname: string): Promise<string> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(bare)) {
      // The sender refuses forbidden literals before connecting; checked again here all the same.
      const reason = opts.allowPrivateNetworks ? null : ipLiteralReason(hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname);
      return reason === null ? Promise.resolve(bare) : Promise.reject(Object.assign(new Error(`${hostname} is a ${reason} address`), { code: 'HOOKLINE_BLOCKED_TARGET' }));
    }
    if (opts.allowPrivateNetworks) return Promise.resolve(hostname);
    const lookup = guardedLookup({ allowPrivateNetworks: false });
    return new Promise((resolve, reject) => {
      lookup(hostname, {}, (err, address) => (err ? reject(err) : resolve(address as string)));
    });
  }
}
