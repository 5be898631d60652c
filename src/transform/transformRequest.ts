import type { Dialect, RenderedRequest, RenderInput } from '../dialects/Dialect.js';
import type { EventRow, WebhookRow } from '../store/Store.js';
import { HooklineError } from '../errors.js';
import { checkHeaders } from '../webhooks/webhookInput.js';
import type { Transformer } from './TransformThread.js';

export type TransformMethod = 'POST' | 'PUT' | 'PATCH';
const METHODS: readonly TransformMethod[] = ['POST', 'PUT', 'PATCH'];

/** The request a transformation produced, signed and ready for the sender. */
export interface OutgoingRequest {
  method: TransformMethod;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type TransformOutcome =
  | { kind: 'send'; request: OutgoingRequest }
  | { kind: 'cancel' }
  | { kind: 'error'; message: string };

export interface TransformJob {
  transformer: Transformer;
  /** The sandbox's name: a webhook and its code version (a simulation names its own). */
  key: string;
  code: string;
  webhook: Pick<WebhookRow, 'url' | 'headers'>;
  event: EventRow;
  dialect: Dialect;
  rendered: RenderedRequest;
  renderInput: RenderInput;
}

/**
 * One attempt's request through the webhook's transformation: the dialect's body (parsed) and
 * the webhook's own headers go in, and what comes out passes the rules any webhook's target and
 * headers pass before the dialect signs the body as it will be sent. The dialect's headers are
 * set last, so a transformation can neither forge nor drop a signature.
 */
export async function transformRequest(job: TransformJob): Promise<TransformOutcome> {
  const { rendered, event } = job;
  // The body and the event's data are JSON text already: spliced in, parsed once, in the sandbox.
  const input =
    `{"method":"POST","url":${JSON.stringify(job.webhook.url)},"headers":${JSON.stringify(job.webhook.headers)},"body":${rendered.body},` +
    `"event":{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"business":${JSON.stringify(event.business_id)},"data":${event.data}}}`;
  const answer = await job.transformer.run(job.key, job.code, input);
  if ('error' in answer) return { kind: 'error', message: answer.error };
  try {
    const cut = answer.json.indexOf('\n');
    return shapeOutput(JSON.parse(answer.json.slice(0, cut)) as Head, answer.json.slice(cut + 1), job);
  } catch (err) {
    return { kind: 'error', message: err instanceof HooklineError || err instanceof TransformRefusal ? err.message : String(err) };
  }
}

class TransformRefusal extends Error {}

function refuse(message: string): never {
  throw new TransformRefusal(message);
}

/** The returned request without its body, as the sandbox describes it. */
interface Head {
  shape: string;
  cancel?: unknown;
  method?: unknown;
  url?: unknown;
  headers?: unknown;
}

function shapeOutput(r: Head, body: string, job: TransformJob): TransformOutcome {
  if (r.shape !== 'object') refuse(`handler(request) must return an object: the request to send, or {cancel: true}; it returned ${r.shape === 'array' ? 'an array' : r.shape}`);
  if (r.cancel === true) return { kind: 'cancel' };
  const method = r.method === undefined ? 'POST' : typeof r.method === 'string' ? r.method.toUpperCase() : null;
  if (!METHODS.includes(method as TransformMethod)) refuse(`method must be one of ${METHODS.join(', ')}; got ${JSON.stringify(r.method)}`);
  const url = r.url === undefined ? job.webhook.url : checkTargetShape(r.url);
  // The same rules as a webhook's own headers: no framing headers, none that any dialect signs with.
  const headers = checkHeaders(headerRecord(r.headers));
  if (body === '') refuse('the returned request has no body; return the request you were given, changed');
  const sign = job.dialect.sign;
  if (!sign) refuse(`the ${job.dialect.name} dialect signs inside its body, so its requests cannot be transformed`);
  return {
    kind: 'send',
    request: { method: method as TransformMethod, url, body, headers: { ...headers, ...job.rendered.headers, ...sign.call(job.dialect, job.renderInput, body) } },
  };
}

function headerRecord(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse('headers must be an object of header names to string values');
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') refuse(`headers: the value of "${name}" must be a string`);
  }
  return value as Record<string, string>;
}

/**
 * The URL's shape, as a webhook's target must have: absolute http(s), no credentials. Where it
 * points is judged where every target's is, by the sender's SSRF guard on the resolved address
 * at connect time (`blocked_target`).
 */
function checkTargetShape(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) refuse('url must be an absolute http(s) URL of at most 2048 characters');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    refuse(`url ${JSON.stringify(value.slice(0, 200))} is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') refuse('url must use http or https');
  if (parsed.username || parsed.password) refuse('url must not carry credentials; put them in a header');
  return value;
}
