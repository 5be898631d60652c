import type { Dialect, RenderedRequest, RenderInput } from '../dialects/Dialect.js';
import type { SendRequest } from '../dispatch/httpSender.js';
import type { EventRow, TransformationSpec, WebhookRow } from '../store/Store.js';
import type { Transformer } from './TransformThread.js';
import { transformRequest } from './transformRequest.js';

export interface TransformStepInput {
  transformer: Transformer | undefined;
  transformation: TransformationSpec;
  webhook: Pick<WebhookRow, 'id' | 'url' | 'headers' | 'timeout_ms'>;
  event: EventRow;
  dialect: Dialect;
  rendered: RenderedRequest;
  renderInput: RenderInput;
}

/** What the send path does next: send this request, or record why nothing was sent. */
export interface TransformStep {
  request: SendRequest | null;
  error: string | null;
  responseBody: string | null;
  cancelled: boolean;
}

/**
 * The send path's one call into transformations (renderAndSend): the attempt's request, or a
 * `transform_error` with the sandbox's message in the attempt's response body (retried like any
 * failure), or a cancellation.
 */
export async function transformStep(input: TransformStepInput): Promise<TransformStep> {
  const { transformer, transformation, webhook } = input;
  if (!transformer) return failed('transformations cannot run in this process (no transform thread)');
  const outcome = await transformRequest({
    transformer,
    key: `${webhook.id}:${transformation.version}`,
    code: transformation.code,
    webhook,
    event: input.event,
    dialect: input.dialect,
    rendered: input.rendered,
    renderInput: input.renderInput,
  });
  if (outcome.kind === 'error') return failed(outcome.message);
  if (outcome.kind === 'cancel') return { request: null, error: null, responseBody: 'Cancelled by the transformation: nothing was sent.', cancelled: true };
  const { method, url, headers, body } = outcome.request;
  const request: SendRequest = { url, body, headers, timeoutMs: webhook.timeout_ms };
  if (method !== 'POST') request.method = method;
  return { request, error: null, responseBody: null, cancelled: false };
}

function failed(message: string): TransformStep {
  return { request: null, error: 'transform_error', responseBody: `The transformation failed: ${message}`.slice(0, 1000), cancelled: false };
}
