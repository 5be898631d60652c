// One progress line on stderr, redrawn in place on a terminal; in a log (CI), only a line when
// each step starts and ends, so the log stays readable.
const tty = process.stderr.isTTY === true;
const WIDTH = 24;

export function progress(label) {
  const started = Date.now();
  let lastDraw = 0;
  if (!tty) process.stderr.write(`bench: ${label} …\n`);
  return {
    update(done, total, note = '') {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const bar = '█'.repeat(Math.round(frac * WIDTH)).padEnd(WIDTH, '░');
      const secs = ((now - started) / 1000).toFixed(1);
      process.stderr.write(`\r\x1b[2K${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${secs}s ${note}`);
    },
    done(summary) {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (tty) process.stderr.write('\r\x1b[2K');
      process.stderr.write(`bench: ${label}: ${summary} (${secs}s)\n`);
    },
  };
}
