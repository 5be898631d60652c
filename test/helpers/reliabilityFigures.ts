import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a probing test measured, for the table in docs/reliability.md. Written only when
 * HOOKLINE_RECORD_FIGURES=1, so an ordinary test run leaves the tree as it was; then
 * `node bench/reliabilityTable.mjs` turns the files into the table (docs/reliability.md says how).
 */
export interface ReliabilityFigures {
  /** What was done to Hookline, in a few words. */
  probe: string;
  /** The test file that did it. */
  test: string;
  /** Requests, kills or cases tried. */
  tries: number;
  /** Answers with a 5xx status that were not a documented contract (vcita's "Not Subscribed"). */
  server_errors: number;
  /** Accepted events never delivered, where the probe sends events; null where it does not. */
  lost: number | null;
  duplicates: number | null;
  /** From the last restart until every accepted event had arrived, where there was a restart. */
  recovery_ms: number | null;
  /** Anything else the probe counted, in a short phrase. */
  note?: string;
}

export const FIGURES_DIR = fileURLToPath(new URL('../../bench/results/reliability/', import.meta.url));

export function recordFigures(name: string, figures: ReliabilityFigures): void {
  if (process.env.HOOKLINE_RECORD_FIGURES !== '1') return;
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}
