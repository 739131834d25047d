// Automatic conversation titles (docs/behaviour/chat.md#titles): after the first exchange of a
// manual chat, the conversation's own provider names it with a small model.
// Fire-and-forget: nothing awaits it, a failure is logged, a slow request is
// cut at the timeout (and at shutdown), and a title the user typed meanwhile
// is never overwritten. Published as `conversation.renamed`.
import type { ProviderName } from '@bottega/protocol';
import type { Deps } from '../deps';
import { iso } from '../time';
import type { ProviderRegistry } from './registry';
import type { TranscriptStore } from './transcript-store';

/** How long a title request may take before it is given up. */
export const TITLE_TIMEOUT_MS = 30_000;

type TitleDeps = Pick<Deps, 'db' | 'bus' | 'logger' | 'now' | 'background'>;

export interface TitleRoute {
  projectId: number;
  taskId: number;
  conversationId: number;
}

export class TitleWriter {
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly deps: TitleDeps,
    private readonly registry: ProviderRegistry,
    private readonly store: TranscriptStore,
    private readonly timeoutMs: number = TITLE_TIMEOUT_MS,
  ) {}

  /** Starts naming the conversation in the background; returns at once. */
  schedule(route: TitleRoute, userId: number): void {
    this.deps.background.track(
      `title conversation ${route.conversationId}`,
      this.write(route, userId).catch((err: unknown) =>
        this.deps.logger.warn({ err, conversationId: route.conversationId }, 'could not generate a conversation title'),
      ),
    );
  }

  private async write(route: TitleRoute, userId: number): Promise<void> {
    const conversation = await this.deps.db
      .selectFrom('conversations')
      .select(['kind', 'provider', 'title'])
      .where('id', '=', route.conversationId)
      .executeTakeFirst();
    if (!conversation || conversation.kind !== 'chat' || conversation.title !== null || !conversation.provider) return;
    const titles = this.registry.get(conversation.provider as ProviderName).titles;
    if (!titles) return;
    const { messages } = await this.store.page(route.conversationId, { limit: 200 });
    const userText = messages.find((m) => m.type === 'user')?.text;
    const assistantText = messages.find((m) => m.type === 'assistant')?.text;
    if (!userText || !assistantText) return;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no title within ${this.timeoutMs} ms`)), this.timeoutMs);
    this.inFlight.add(controller);
    let title: string;
    try {
      title = await titles.generateTitle({ userId, userText, assistantText, signal: controller.signal });
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    const updated = await this.deps.db
      .updateTable('conversations')
      .set({ title, updated_at: iso(this.deps.now()) })
      .where('id', '=', route.conversationId)
      .where('title', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) this.deps.bus.publish({ type: 'conversation.renamed', ...route, title });
  }

  /** Server shutdown: gives up every title request still running. */
  shutdown(): void {
    for (const c of this.inFlight) c.abort(new Error('server shutting down'));
    this.inFlight.clear();
  }
}
