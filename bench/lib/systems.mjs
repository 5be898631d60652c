// Every system a scenario can run against, opened the same way.
import { openCeiling, ceilingSystem } from '../systems/ceiling.mjs';
import { openBullmq, bullmqSystem } from '../systems/bullmq.mjs';
import { openHookline, hooklineSystems } from '../systems/hookline.mjs';

export const allSystems = { ceiling: ceilingSystem, bullmq: bullmqSystem, ...hooklineSystems };

export const isHookline = (systemId) => systemId in hooklineSystems;

/**
 * `endpoints` are {n, kind, types}: receiver path /<kind>/<n>, subscribed to `types`.
 * `webhook` holds Hookline webhook fields; `timeoutMs` is the per-attempt timeout everywhere.
 */
export function openSystem(systemId, { receiver, endpoints, webhook = {}, timeoutMs = 5000, profileDir = null }) {
  if (systemId === 'ceiling') return openCeiling({ receiver, endpoints });
  if (systemId === 'bullmq') return openBullmq({ receiver, endpoints, timeoutMs });
  return openHookline(hooklineSystems[systemId], { receiver, endpoints, webhookOptions: { timeout_ms: timeoutMs, ...webhook }, profileDir });
}
