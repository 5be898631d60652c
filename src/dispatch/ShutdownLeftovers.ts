/** What a stop left to lease recovery because the store did not take it in time (`ShutdownDeadline`). */
export interface ShutdownLeftovers {
  /** Attempts whose outcome was not written: their deliveries are sent again (at least once). */
  outcomes: number;
  /** Deliveries still leased to this process, those attempts' included. */
  leases: number;
  graceMs: number;
  /** The store's last error, or why it was given up on when it never answered. */
  reason: string;
}

/** The one log line an operator needs: how much was abandoned, why, and why nothing is lost. */
export function describeLeftovers(l: ShutdownLeftovers): string {
  return (
    `shutdown gave up on the database after the grace period (HOOKLINE_SHUTDOWN_GRACE_MS=${l.graceMs}) and a second: ` +
    `${l.outcomes} attempt outcome writes abandoned and ${l.leases} deliveries left leased to this process, because ${l.reason}; ` +
    'nothing is lost: dead-process recovery (or lease expiry) gives them back and they are sent again'
  );
}
