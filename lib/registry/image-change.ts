import type { ImageRecord } from './image.ts';

/**
 * One committed change of one tenant's image, as subscribers hear of it (lib/events/). Read from the
 * table's change stream by the store (lib/store/record-changes.ts), so no request waits for it.
 */
export type ImageChange =
  /** Registered, or its user name or description changed (also a registration that changed nothing else). */
  | { readonly kind: 'registered'; readonly tenant: string; readonly image: ImageRecord }
  /** Unregistered: the image is what the catalog knew, with no user name, description or tags. */
  | { readonly kind: 'unregistered'; readonly tenant: string; readonly image: ImageRecord }
  | {
      readonly kind: 'tags-changed';
      readonly tenant: string;
      readonly image: ImageRecord;
      readonly added: readonly string[];
      readonly removed: readonly string[];
    }
  /** The catalog reported a new state (the AMI sync); DELETED when the AMI was deregistered and its records go. */
  | { readonly kind: 'state-changed'; readonly tenant: string; readonly image: ImageRecord; readonly previousStatus: string };
