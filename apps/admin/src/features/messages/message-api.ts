/**
 * The message operations of the generated client under the names the admin uses, so that a
 * renamed operation in the OpenAPI document is followed here alone.
 */
export {
  getMessagesGetQueryKey as getMessageQueryKey,
  getMessagesListQueryKey as getMessageLogQueryKey,
  messagesList as fetchMessageLog,
  testSendTestSend as sendTemplateTest,
  useMessagesGet as useMessage,
  useMessagesList as useMessageLog,
} from '@itinera/sdk';
export type { MessagesListParams as MessageLogParams } from '@itinera/sdk';
