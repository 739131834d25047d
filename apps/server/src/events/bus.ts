// The in-process event bus. Everything that changes state publishes one
// ServerEvent from the shared catalogue; the WebSocket hub subscribes. On
// PostgreSQL the cluster's event bridge carries local events to the other nodes
// and publishes theirs here marked `remote` (docs/decisions/0015-events-across-nodes.md),
// so publishers never know about other nodes. Listener failures are isolated
// from publishers and logged.
import type { ServerEvent } from '@bottega/protocol';
import type { Logger } from '../logger';

/** Where an event comes from: this process (`remote: false`) or another node of the deployment. */
export interface EventOrigin {
  remote: boolean;
}

export type EventListener = (event: ServerEvent, origin: EventOrigin) => void;

const LOCAL: EventOrigin = { remote: false };
const REMOTE: EventOrigin = { remote: true };

export class EventBus {
  private readonly listeners = new Set<EventListener>();
  constructor(private readonly logger: Logger) {}

  publish(event: ServerEvent): void {
    this.deliver(event, LOCAL);
  }

  /** An event another node published (the bridge only): delivered like a local one, never sent back out. */
  publishRemote(event: ServerEvent): void {
    this.deliver(event, REMOTE);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private deliver(event: ServerEvent, origin: EventOrigin): void {
    for (const l of this.listeners) {
      try {
        l(event, origin);
      } catch (err) {
        // A faulty listener must never break the publisher nor starve the other listeners.
        this.logger.error({ err, eventType: event.type }, 'event listener failed');
      }
    }
  }
}
