// The shape shared by the throughput, isolation and retry-storm scenarios: publish a fixed set
// of events as fast as the system accepts them and wait until the healthy endpoints have them
// all. Where some endpoints are broken (hung or failing), they then recover, and the run waits
// for everything held back for them: only then is it known that nothing was lost.
import { openSystem, isHookline } from './systems.mjs';
import { publishClosedLoop, monotonicMs } from './load.mjs';
import { waitForArrivals, verifyArrivals, LostEventsError } from './arrivals.mjs';
import { progress } from './progress.mjs';
import { perSecond } from './stats.mjs';

/**
 * `expected` counts distinct deliveries per receiver class ({ok, fail, hang}); `keys` lists
 * every one of them. Hookline must deliver everything within `capMs` or the run fails; a
 * baseline that cannot (BullMQ behind hung endpoints) is reported as incomplete instead.
 */
export async function runDeliveries(ctx, systemId, spec) {
  const { label, endpoints, batches, expected, keys, capMs, delayMs = 0, webhook, timeoutMs, baselineCapMs = capMs } = spec;
  const { receiver } = ctx;
  const strict = isHookline(systemId);
  await receiver.reset({ delayMs });
  const system = await openSystem(systemId, { receiver, endpoints, webhook, timeoutMs, profileDir: ctx.profileDir(systemId) });
  try {
    const bar = progress(label);
    // Shaped endpoints (scenario (g)) answer at once but are waited for after the healthy ones, like broken ones.
    const broken = (expected.fail ?? 0) + (expected.hang ?? 0) + (expected.shaped ?? 0);
    let publishError = null;
    const cpuBefore = (await system.cpuSeconds?.()) ?? null;
    const started = monotonicMs();
    const published = publishClosedLoop(system, batches, { inFlight: ctx.publishInFlight }).catch((err) => {
      publishError = err;
      return null;
    });
    const healthy = await waitForArrivals(receiver, { ok: expected.ok }, {
      capMs: strict ? capMs : baselineCapMs,
      abortIf: () => publishError,
      onProgress: (s) => bar.update(s.classes.ok.unique, expected.ok, `${Math.round(perSecond(s.classes.ok.unique, s.now - started) ?? 0).toLocaleString('en-US')}/s healthy`),
    });
    if (publishError) throw publishError;
    const cpuAfter = (await system.cpuSeconds?.()) ?? null;
    const ok = healthy.stats.classes.ok;
    const result = {
      complete: healthy.complete,
      count: batches.reduce((n, b) => n + b.length, 0),
      healthyDelivered: ok.unique,
      healthyPerSec: perSecond(ok.unique, ok.last - started),
      attemptsToFailing: healthy.stats.classes.fail.requests,
      peakRssMb: system.peakRssMb(),
      windowCpu: cpuBefore && cpuAfter ? cpuWindow(cpuBefore, cpuAfter) : null,
    };
    if (!healthy.complete) {
      bar.done(`incomplete after ${Math.round(baselineCapMs / 1000)} s: ${ok.unique.toLocaleString('en-US')} of ${expected.ok.toLocaleString('en-US')} healthy deliveries`);
      if (strict) throw new LostEventsError(`${label}: only ${ok.unique} of ${expected.ok} healthy deliveries arrived within ${capMs} ms`);
      return { ...result, ingestPerSec: null, durationMs: healthy.stats.now - started };
    }
    const p = await published;
    result.ingestPerSec = system.system.kind === 'ceiling' ? null : perSecond(result.count, p.ended - started);
    result.durationMs = ok.last - started;
    if (broken > 0) {
      const healedAt = monotonicMs();
      await receiver.heal();
      const rest = await waitForArrivals(receiver, expected, { capMs, onProgress: (s) => bar.update(s.unique, keys.length, 'endpoints healed, waiting for what they were owed') });
      result.peakRssMb = system.peakRssMb();
      result.recoveryMs = Math.max(0, rest.stats.last - healedAt);
      result.allPerSec = perSecond(keys.length, rest.stats.last - started);
      if (!rest.complete) {
        const message = `after healing, ${keys.length - rest.stats.unique} deliveries had still not arrived within ${capMs} ms`;
        if (strict) throw new LostEventsError(`${label}: ${message}`);
        bar.done(message);
        return { ...result, complete: false };
      }
    }
    await verifyArrivals(receiver, keys, label);
    const stats = await receiver.stats();
    // A healthy endpoint answers 200 at once, so any repeat there is a duplicate send.
    result.duplicates = stats.classes.ok.requests - stats.classes.ok.unique;
    bar.done(`${Math.round(result.healthyPerSec).toLocaleString('en-US')} healthy deliveries/s, all ${keys.length.toLocaleString('en-US')} arrived`);
    return result;
  } finally {
    await system.close();
  }
}

/**
 * Each Hookline process's CPU seconds between the first publish and the last healthy arrival,
 * whole and per thread; `helpers` is the rest (V8's garbage collection and compiler threads,
 * libuv's pool). The process figure comes from the same scrape, so the two agree.
 */
function cpuWindow(before, after) {
  return after.map((a, i) => {
    const b = before[i];
    const threads = {};
    for (const [t, s] of Object.entries(a.threads)) threads[t] = s - (b.threads[t] ?? 0);
    const process = a.process - b.process;
    const helpers = process - Object.values(threads).reduce((x, y) => x + y, 0);
    return { process, threads, helpers };
  });
}
