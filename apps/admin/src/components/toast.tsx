import { X } from 'lucide-react';
import {
  UNSTABLE_Toast as Toast,
  UNSTABLE_ToastContent as ToastContent,
  UNSTABLE_ToastQueue as ToastQueue,
  UNSTABLE_ToastRegion as ToastRegion,
  Button,
  Text,
} from 'react-aria-components';

export interface ToastMessage {
  title: string;
  description?: string;
  tone?: 'success' | 'danger' | 'info';
}

/** The admin's one toast queue: `toasts.add({ title }, { timeout })` from anywhere. */
export const toasts = new ToastQueue<ToastMessage>({ maxVisibleToasts: 4 });

export function notify(title: string, options: { description?: string; tone?: ToastMessage['tone']; timeout?: number } = {}) {
  toasts.add({ title, description: options.description, tone: options.tone ?? 'success' }, { timeout: options.timeout ?? 5000 });
}

/** Where toasts appear (bottom right); rendered once by the app. */
export function Toasts() {
  return (
    <ToastRegion queue={toasts} className="toast-region">
      {({ toast }) => (
        <Toast toast={toast} className={`toast toast--${toast.content.tone ?? 'info'}`}>
          <ToastContent className="toast__content">
            <Text slot="title" className="toast__title">
              {toast.content.title}
            </Text>
            {toast.content.description && (
              <Text slot="description" className="toast__description">
                {toast.content.description}
              </Text>
            )}
          </ToastContent>
          <Button slot="close" className="toast__close" aria-label="Dismiss">
            <X size={14} aria-hidden />
          </Button>
        </Toast>
      )}
    </ToastRegion>
  );
}
