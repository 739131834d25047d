// The providers this server offers, registered explicitly (SPEC §5). Adding a
// provider is one line here plus its folder beside this file.
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { ProviderRegistry } from '../registry';
import { createClaudeProvider } from './claude/provider';
import { createCodexProvider } from './codex/provider';
import { createOpencodeProvider } from './opencode/provider';
import type { SimulatedModel } from './claude/simulated';
import type { Sandbox } from '../../sandbox/sandbox';

export function defaultProviders(config: Pick<Config, 'home' | 'stallTimeoutMs'>, logger: Logger, simulator: SimulatedModel, sandbox: Sandbox): ProviderRegistry {
  return new ProviderRegistry()
    .register(
      'anthropic',
      createClaudeProvider({ home: config.home, logger: logger.child({ provider: 'anthropic' }), stallTimeoutMs: config.stallTimeoutMs, simulator, sandbox }),
    )
    .register('openai', createCodexProvider({ home: config.home, logger: logger.child({ provider: 'openai' }), stallTimeoutMs: config.stallTimeoutMs, sandbox }))
    .register('opencode', createOpencodeProvider({ home: config.home, logger: logger.child({ provider: 'opencode' }), stallTimeoutMs: config.stallTimeoutMs, sandbox }));
}
