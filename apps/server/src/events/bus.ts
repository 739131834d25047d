// The in-process event bus. Everything that changes state publishes one
// ServerEvent from the shared catalogue; the WebSocket hub (and later other
// nodes) subscribe. Listener failures are isolated from publishers.
import type { ServerEvent } from '@bottega/protocol';

export type EventListener = (event: ServerEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  publish(event: ServerEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A faulty listener must never break the publisher.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
