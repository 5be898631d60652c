/** The first pause after a failed write; it doubles with each failure in a row up to the most. */
const FIRST_PAUSE_MS = 50;
const MOST_PAUSE_MS = 5_000;

/**
 * Runs `write` until it succeeds. What the dispatcher writes after an attempt (outcomes, parked
 * or released deliveries) must not be lost while the store is away, but a hot retry loop would
 * do harm, so each failure is reported and followed by a growing pause.
 */
export async function writeUntilStored(write: () => Promise<void>, onError: (err: Error) => void): Promise<void> {
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MOST_PAUSE_MS)) {
    try {
      await write();
      return;
    } catch (err) {
      onError(err as Error);
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}
