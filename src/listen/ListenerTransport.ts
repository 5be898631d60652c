import type { Sender } from '../dispatch/httpSender.js';
import type { ListenerStreams } from './ListenerStreams.js';
import { listenerIdOf } from './listenerUrl.js';

/**
 * A Sender consulted before the others: an attempt for a `hookline listen` listener goes down
 * the listener's stream, and the CLI makes the request to localhost on the developer's machine,
 * so the server never connects to a private address. Everything else goes to `inner` unchanged.
 */
export function withListeners(inner: Sender, listeners: ListenerStreams): Sender {
  return {
    ready: () => inner.ready(),
    close: () => inner.close(),
    destroy: () => inner.destroy(),
    available(url) {
      const id = listenerIdOf(url);
      return id === null ? (inner.available?.(url) ?? true) : listeners.connected(id);
    },
    send(req) {
      const id = listenerIdOf(req.url);
      return id === null ? inner.send(req) : listeners.send(id, req);
    },
  };
}
