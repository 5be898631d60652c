import type { Logger } from 'pino';
import type { Store } from '../store/Store.js';
import { WEBHOOK_PAGE_SIZE } from '../store/webhookPages.js';
import type { SecretBox } from './SecretBox.js';
import { checkSecrets } from './checkSecrets.js';
import { rewriteSecrets } from './rewriteSecrets.js';

/** The check and the whole rewrite, awaited: for a caller with nothing to serve meanwhile. */
export async function prepareSecrets(store: Store, box: SecretBox, log: Logger, pageSize = WEBHOOK_PAGE_SIZE): Promise<void> {
  if ((await checkSecrets(store, box, log, pageSize)) === null) return;
  await rewriteSecrets(store, box, log, { pageSize });
}
