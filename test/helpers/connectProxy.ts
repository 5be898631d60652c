import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP CONNECT proxy on loopback that records every tunnel it is asked for and, unless
 * told to refuse, pipes it to its target. Plain requests (not CONNECT) are answered 405.
 */
export async function startConnectProxy(opts: { refuse?: number } = {}) {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      client.off('data', onData);
      const [method, authority] = head.subarray(0, end).toString('latin1').split(' ');
      if (method !== 'CONNECT' || !authority) return void client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      connects.push(authority);
      if (opts.refuse) return void client.end(`HTTP/1.1 ${opts.refuse} Refused\r\n\r\n`);
      const colon = authority.lastIndexOf(':');
      const upstream = net.connect({ host: authority.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(authority.slice(colon + 1)) });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = head.subarray(end + 4);
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    close(): Promise<void> {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
