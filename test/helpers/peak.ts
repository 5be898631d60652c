/**
 * The most requests that arrived within any window of `ms`, from their arrival times: what a
 * rate limit is judged by, since a fixed grid of seconds would split a burst in two.
 */
export function peak(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= ms) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
