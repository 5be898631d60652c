import type { ApiDeliveryDetail, ApiTestEvent, ApiWebhook } from './apiShapes.js';
import type { ApiClient } from './hookline.js';
import { startReceiver } from './receiver.js';
import { until } from './wait.js';

/**
 * Resolves once the claim loop has claimed, sent and recorded a delivery that was made due
 * after this call began: a witness webhook of `business` is sent a test event, which is then
 * retried ("retry now"), and only the claim loop sends a retry. Whatever was due before that
 * was claimed in the same pass or an earlier one, so a check that something did not happen,
 * made after this, is made once the engine has had its chance: a fixed sleep only hopes so.
 * The witness takes no other event type and is removed before this returns.
 */
export async function afterClaimLoopTurn(api: ApiClient, business: string): Promise<void> {
  const rx = await startReceiver();
  try {
    const base = `/v1/businesses/${business}`;
    const witness = await api<ApiWebhook>('POST', `${base}/webhooks`, { name: 'claim loop witness', url: rx.url, events: ['webhook/test'] });
    if (witness.status !== 201) throw new Error(`creating the witness webhook answered ${witness.status}: ${JSON.stringify(witness.body)}`);
    const sent = await api<ApiTestEvent>('POST', `${base}/webhooks/${witness.body.id}/test`);
    if (sent.status !== 202) throw new Error(`sending the witness a test event answered ${sent.status}: ${JSON.stringify(sent.body)}`);
    const id = sent.body.delivery.id;
    const detail = async (): Promise<ApiDeliveryDetail> => (await api<ApiDeliveryDetail>('GET', `${base}/deliveries/${id}`)).body;
    await until('the witness delivery is recorded', async () => (await detail()).status === 'succeeded');
    const retried = await api('POST', `${base}/deliveries/${id}/retry`);
    if (retried.status !== 202) throw new Error(`retrying the witness delivery answered ${retried.status}`);
    await until('the claim loop sent the witness again', async () => {
      const d = await detail();
      return d.status === 'succeeded' && d.attempt_count === 2;
    });
    await api('DELETE', `${base}/webhooks/${witness.body.id}`);
  } finally {
    await rx.close();
  }
}
