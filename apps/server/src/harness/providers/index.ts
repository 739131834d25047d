// The providers this server offers, registered explicitly (SPEC §5). Adding a
// provider is one line here plus its folder beside this file.
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { ProviderRegistry } from '../registry';
import { createClaudeProvider } from './claude/provider';
import { createCodexProvider } from './codex/provider';
import { createOpencodeProvider } from './opencode/provider';
import type { SimulatedModel } from './claude/simulated';

export function defaultProviders(config: Pick<Config, 'home' | 'stallTimeoutMs'>, logger: Logger, simulator: SimulatedModel): ProviderRegistry {
  return new ProviderRegistry()
    .register(
      'anthropic',
      createClaudeProvider({ home: config.home, logger: logger.child({ provider: 'anthropic' }), stallTimeoutMs: config.stallTimeoutMs, simulator }),
    )
    .register('openai', createCodexProvider({ home: config.home, logger: logger.child({ provider: 'openai' }), stallTimeoutMs: config.stallTimeoutMs }))
    .register('opencode', createOpencodeProvider({ home: config.home, logger: logger.child({ provider: 'opencode' }), stallTimeoutMs: config.stallTimeoutMs }));
}
