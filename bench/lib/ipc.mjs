// Request/answer over a child's IPC channel: each request carries an id, the child echoes it.
let next = 0;

export function ipcCall(child, message, timeoutMs = 60_000) {
  const id = ++next;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no answer to ${message.op} within ${timeoutMs} ms`));
    }, timeoutMs);
    function onMessage(m) {
      if (m?.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    }
    child.on('message', onMessage);
    // The callback form turns a closed channel (the child died, or Ctrl-C killed it) into this
    // call's rejection instead of an unhandled 'error' event.
    if (!child.connected) return void onFailure(new Error(`cannot ${message.op}: the child process has gone`));
    child.send({ ...message, id }, (err) => err && onFailure(err));
    function onFailure(err) {
      clearTimeout(timer);
      child.off('message', onMessage);
      reject(err);
    }
  });
}

/** Waits for the first message matching `test` (a child announcing it is ready). */
export function ipcFirst(child, test, what, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code) => reject(new Error(`${what} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', function onMessage(m) {
      if (!test(m)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    });
  });
}
