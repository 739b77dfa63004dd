/**
 * The message operations of the generated client under the names the admin uses, so that a
 * renamed operation in the OpenAPI document is followed here alone.
 */
export {
  getMessagingGetQueryKey as getMessageQueryKey,
  getMessagingListQueryKey as getMessageLogQueryKey,
  messagingList as fetchMessageLog,
  messagingTestSend as sendTemplateTest,
  useMessagingGet as useMessage,
  useMessagingList as useMessageLog,
} from '@itinera/sdk';
export type { MessagingListParams as MessageLogParams } from '@itinera/sdk';
