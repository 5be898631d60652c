#!/usr/bin/env node
// A stand-in OpenTelemetry collector for measuring what tracing costs: accepts every OTLP/HTTP
// export, counts the spans (JSON only), and keeps nothing. Prints its URL; on SIGTERM or SIGINT
// prints how many exports and spans it took. Usage (docs/benchmarks.md#tracing):
//   node bench/otlpSink.mjs &   OTEL_EXPORTER_OTLP_ENDPOINT=<printed url> node bench/run.mjs --scenarios a …
import { createServer } from 'node:http';

let exports = 0;
let spans = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    exports++;
    // Counting "spanId" keys is enough for a tally and costs the sink little of the shared CPU.
    spans += (Buffer.concat(chunks).toString('latin1').match(/"spanId"/g) ?? []).length;
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    process.stdout.write(`otlp sink: ${exports} exports, ${spans} spans\n`);
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
