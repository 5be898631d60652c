/**
 * Tells the host page how tall the portal's content is, whenever it changes, so the host can
 * size its iframe and the portal never scrolls inside it: postMessage({type: "hookline:resize",
 * height}). Sent to any parent origin: a height is all it says, and framing itself is limited
 * by the CSP's frame-ancestors.
 */
export function startResizeMessages(): () => void {
  if (window.parent === window) return () => {};
  let last = -1;
  const send = () => {
    // The body, not the document: a document is never shorter than its frame, so the frame could grow but never shrink.
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'hookline:resize', height }, '*');
  };
  const observer = new ResizeObserver(send);
  observer.observe(document.body);
  send();
  return () => observer.disconnect();
}
