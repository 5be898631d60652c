// Every scenario, by the letter the issue gave it (s: the +20 ms variant of a; g: issue 16's filters and transformations).
import { throughput, slowReceivers } from './throughput.mjs';
import { latency } from './latency.mjs';
import { fanout } from './fanout.mjs';
import { isolation } from './isolation.mjs';
import { backlog } from './backlog.mjs';
import { retryStorm } from './retryStorm.mjs';
import { shaped } from './shaped.mjs';

export const scenarios = { a: throughput, b: latency, c: fanout, d: isolation, e: backlog, f: retryStorm, g: shaped, s: slowReceivers };
