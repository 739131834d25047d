// Context-window sizes of known models, for providers whose final usage
// report does not say (the meter then still has a denominator). Unknown
// models get null: the meter shows tokens used without a percentage.
import type { ContextUsage } from '@bottega/protocol';

const WINDOWS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  anthropic: {
    'claude-opus-4-5': 200_000,
    'claude-opus-4-1': 200_000,
    'claude-sonnet-4-5': 200_000,
    'claude-sonnet-4': 200_000,
    'claude-haiku-4-5': 200_000,
  },
};

export function knownContextWindow(provider: string, model: string | null): number | null {
  if (!model) return null;
  return WINDOWS[provider]?.[model] ?? null;
}

/** The report as given, with the window filled from the table when the provider left it out. */
export function withContextWindow(usage: ContextUsage, provider: string, model: string | null): ContextUsage {
  if (usage.windowTokens !== null) return usage;
  return { ...usage, windowTokens: knownContextWindow(provider, model) };
}
