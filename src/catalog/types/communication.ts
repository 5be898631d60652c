import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { objectSchema } from '../schemas/common.js';
import { sentMessageFields } from '../schemas/canonicalFields.js';
import { permissiveType } from './permissiveType.js';

const chatMessage = {
  id: 'msg_5c20',
  conversation_id: 'cv_881',
  client_id: 'cl_52e9d1',
  channel: 'sms',
  text: 'See you tomorrow at 3pm!',
};

/** Messages, calls, forms, documents, reviews and notification settings. */
export const communicationTypes: EventTypeDefinition[] = [
  {
    type: 'message/sent',
    description: 'Fires when the platform sends a client an automatic SMS or email, for example a receipt after a purchase.',
    schema: objectSchema(sentMessageFields),
    example: {
      id: 'm-20250412-0093',
      client_id: 771204,
      location_id: 31,
      email: 'tom.brandt@example.com',
      channel: 'email',
      message: 'Thanks for buying the 10 Class Pack.',
      email_to: 'tom.brandt@example.com',
      email_from: 'hello@harbour-yoga.example',
      subject: 'Your purchase',
    },
  },
  permissiveType(
    'message/business_sent_message',
    'Fires when someone at the business sends a client a message in a conversation.',
    chatMessage,
  ),
  permissiveType(
    'message/client_sent_message',
    'Fires when a client writes to the business in a conversation.',
    chatMessage,
  ),
  permissiveType(
    'conversation/read',
    'Fires when the business opens a conversation and its unread messages are marked read.',
    { id: 'cv_881', client_id: 'cl_52e9d1', read_by: 'st_0a91' },
  ),
  permissiveType(
    'conversation_item/created',
    'Fires when any new entry, such as a message, note or call log, is added to a conversation.',
    { id: 'ci_3310', conversation_id: 'cv_881', kind: 'note' },
  ),
  permissiveType(
    'channel/status',
    'Fires when a messaging channel of the business (SMS, email, chat) becomes available or unavailable.',
    { id: 'ch_sms', channel: 'sms', status: 'connected' },
  ),
  permissiveType(
    'voice_call/created',
    'Fires when a phone call to or from the business is logged.',
    { id: 'vc_1201', client_id: 'cl_52e9d1', direction: 'inbound', duration_seconds: 184 },
  ),
  permissiveType(
    'voice_calls_settings/updated',
    "Fires after the business changes how its phone calls are handled, such as forwarding or voicemail.",
    { id: 'vcs_1', forwarding_number: '+1 415 555 0199', voicemail: true },
  ),
  permissiveType(
    'customized_notification/updated',
    'Fires after the business edits the wording or timing of a notification it sends to clients.',
    { id: 'cn_appointment_reminder', channel: 'email', enabled: true },
  ),
  permissiveType(
    'contact_form/created',
    "Fires when a visitor submits the business's contact or lead form.",
    { id: 'cf_7702', name: 'Lee Park', email: 'lee.park@example.com', message: 'Do you offer evening classes?' },
  ),
  permissiveType(
    'document/sent',
    'Fires when the business shares a document, such as a form or contract, with a client.',
    { id: 'doc_415', client_id: 'cl_52e9d1', title: 'Waiver form' },
  ),
  permissiveType(
    'review/submitted',
    'Fires when a client leaves a review or rating for the business.',
    { id: 'rv_88', client_id: 'cl_52e9d1', rating: 5, text: 'Great teachers.' },
  ),
];
