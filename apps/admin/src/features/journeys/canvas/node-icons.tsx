import type { NodeType } from '@itinera/journey-model';
import {
  Clock,
  CloudDownload,
  Flag,
  GitBranch,
  Hourglass,
  type LucideIcon,
  Mail,
  Sparkles,
  Split,
  UserPen,
  Webhook,
  Zap,
} from 'lucide-react';

export const NODE_ICONS: Record<NodeType, LucideIcon> = {
  trigger: Zap,
  send: Mail,
  delay: Clock,
  wait_for_event: Hourglass,
  branch: GitBranch,
  split: Split,
  fetch: CloudDownload,
  ai: Sparkles,
  update_profile: UserPen,
  webhook: Webhook,
  exit: Flag,
};

/** One accent per palette category, from the design tokens. */
export const CATEGORY_LABELS = {
  entry: 'Entry',
  messaging: 'Messages',
  timing: 'Timing',
  flow: 'Flow',
  data: 'Data',
  integration: 'Integrations',
} as const;
