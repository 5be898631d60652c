// A minimal receiver for benchmarks: answers 200 at once and counts requests.
// Run as its own process so its cost never lands on the process being measured.
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
let count = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    count++;
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('message', (m) => {
  if (m === 'count') process.send({ count });
});
process.on('disconnect', () => process.exit(0));
