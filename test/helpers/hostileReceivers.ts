import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * Receivers that misbehave the way real ones do on their worst day, each on a loopback port,
 * each counting what it was sent and what it managed to write back.
 */
export interface Hostile {
  url: string;
  requests: number;
  /** Bytes the receiver handed to its sockets, over all responses. */
  bytesWritten: number;
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<{ url: string; close(): Promise<void> }> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP receiver whose handler runs once the request body has arrived. */
async function http(handler: (req: IncomingMessage, res: ServerResponse, self: Hostile) => void): Promise<Hostile> {
  const sockets = new Set<Socket>();
  const self: Hostile = { url: '', requests: 0, bytesWritten: 0, close: async () => undefined };
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      self.requests++;
      handler(req, res, self);
    });
  });
  const { url, close } = await listen(server, sockets);
  return Object.assign(self, { url, close });
}

/** A TCP server that reads the request and answers with raw bytes of its choosing. */
async function raw(answer: (socket: Socket, self: Hostile) => void): Promise<Hostile> {
  const sockets = new Set<Socket>();
  const self: Hostile = { url: '', requests: 0, bytesWritten: 0, close: async () => undefined };
  const server = createTcpServer((socket) => {
    let seen = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(seen)?.[1] ?? 0);
      if (Buffer.byteLength(seen.slice(seen.indexOf('\r\n\r\n') + 4), 'latin1') < length) return;
      seen = '';
      self.requests++;
      answer(socket, self);
    });
  });
  const { url, close } = await listen(server, sockets);
  return Object.assign(self, { url, close });
}

/** Accepts the request and never answers. */
export const hangsForever = (): Promise<Hostile> => http(() => undefined);

/** Sends 200 and then one byte of body a second, forever. */
export const tricklesOneByteASecond = (): Promise<Hostile> =>
  http((_req, res, self) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => {
      res.write('.');
      self.bytesWritten++;
    }, 1000);
    res.on('close', () => clearInterval(timer));
  });

/** Answers 200 with a 10 MB body, written with backpressure so only what the client reads leaves. */
export const answersTenMegabytes = (): Promise<Hostile> =>
  http((_req, res, self) => {
    const total = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
    let sent = 0;
    const pump = (): void => {
      while (sent < total && !res.destroyed) {
        sent += chunk.length;
        self.bytesWritten += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (sent >= total) res.end();
    };
    res.on('error', () => undefined);
    pump();
  });

/** Starts a 200 response that promises 1000 bytes, sends 10, and resets the connection. */
export const resetsMidResponse = (): Promise<Hostile> =>
  raw((socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n0123456789', () => socket.resetAndDestroy());
  });

/** Redirects to the cloud metadata address (which a follower of redirects would then POST to). */
export const redirectsInternally = (location: string): Promise<Hostile> =>
  http((_req, res) => {
    res.writeHead(301, { location });
    res.end();
  });

/** "200" that is not HTTP: a status line no parser accepts. */
export const malformedResponse = (): Promise<Hostile> =>
  raw((socket) => {
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: nope\r\n\r\nhello');
  });

/** Answers 200, but closes keep-alive connections at random, sometimes before answering. */
export const closesKeepAliveAtRandom = (random: () => number): Promise<Hostile> =>
  http((req, res) => {
    const roll = random();
    if (roll < 0.15) return void req.socket.destroy();
    res.end('ok');
    if (roll < 0.5) setTimeout(() => req.socket.destroy(), Math.floor(random() * 5));
  });
