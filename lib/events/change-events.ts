import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { ImageChange } from '../registry/image-change.ts';

/** The function that publishes the events, functions/<name>.ts: the table's stream is its trigger, not an HTTP route. */
export const PUBLISHER_FUNCTION = 'publish-image-changes';

/** The detail-type of each change's event, as subscribers match it (docs/events.md). */
const DETAIL_TYPES = {
  registered: 'Image Registered',
  unregistered: 'Image Unregistered',
  'tags-changed': 'Image Tags Changed',
  'state-changed': 'Image State Changed',
} as const satisfies Record<ImageChange['kind'], string>;

export interface ChangeEventSettings {
  /** The events' `source`. */
  readonly source: string;
  /** The bus the events go to: a name or an ARN. */
  readonly eventBusName: string;
}

export const DEFAULT_EVENT_SOURCE = 'image-registry';

export const changeEventSettingsFromEnv = (env: NodeJS.ProcessEnv = process.env): ChangeEventSettings => ({
  source: env.EVENT_SOURCE || DEFAULT_EVENT_SOURCE,
  eventBusName: env.EVENT_BUS_NAME || 'default',
});

/** The event's detail: who, which image, the image after the change, its version and when; what changed where it says more. */
const detailOf = (change: ImageChange, time: string) => {
  const { tenant, image } = change;
  return {
    tenant,
    imageId: image.id,
    image: {
      id: image.id,
      name: image.facts.name,
      username: image.username,
      description: image.description,
      tags: [...image.tags],
      status: image.facts.status,
    },
    ...(change.kind === 'tags-changed' ? { added: [...change.added], removed: [...change.removed] } : {}),
    ...(change.kind === 'state-changed' ? { previousStatus: change.previousStatus } : {}),
    version: image.version,
    time,
  };
};

/** The PutEvents entry of one change; `time` (ISO 8601) is when the table committed it. */
export const changeEventEntry = (change: ImageChange, time: string, { source, eventBusName }: ChangeEventSettings): PutEventsRequestEntry => ({
  Source: source,
  DetailType: DETAIL_TYPES[change.kind],
  Detail: JSON.stringify(detailOf(change, time)),
  Time: new Date(time),
  EventBusName: eventBusName,
});
