// The in-process event bus. Everything that changes state publishes one
// ServerEvent from the shared catalogue; the WebSocket hub (and later other
// nodes) subscribe. Listener failures are isolated from publishers and logged.
import type { ServerEvent } from '@bottega/protocol';
import type { Logger } from '../logger';

export type EventListener = (event: ServerEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();
  constructor(private readonly logger: Logger) {}

  publish(event: ServerEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        // A faulty listener must never break the publisher nor starve the other listeners.
        this.logger.error({ err, eventType: event.type }, 'event listener failed');
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
