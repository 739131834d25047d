// The providers this server offers, registered explicitly (docs/behaviour/harness.md#registry). Adding a
// provider is one line here plus its folder beside this file. Each provider
// owns the services only it needs (sign-in flows, the demo's simulated model).
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { ProviderRegistry } from '../registry';
import { createClaudeProvider } from './claude/provider';
import { createCodexProvider } from './codex/provider';
import { createOpencodeProvider } from './opencode/provider';
import type { Sandbox } from '../../sandbox/sandbox';

export interface SignInCommands {
  /** Program run for the Claude sign-in instead of the Claude Code binary (tests). */
  claudeSetupCommand?: readonly [string, ...string[]];
  /** Program run for the Codex device sign-in instead of the Codex binary (tests). */
  codexLoginCommand?: readonly [string, ...string[]];
}

export function defaultProviders(
  config: Pick<Config, 'home' | 'stallTimeoutMs'>,
  logger: Logger,
  sandbox: Sandbox,
  signIn: SignInCommands = {},
  nodeId?: string,
): ProviderRegistry {
  const common = { home: config.home, nodeId, stallTimeoutMs: config.stallTimeoutMs, sandbox };
  return new ProviderRegistry()
    .register(
      'anthropic',
      createClaudeProvider({
        ...common,
        logger: logger.child({ provider: 'anthropic' }),
        ...(signIn.claudeSetupCommand ? { setupTokenCommand: signIn.claudeSetupCommand } : {}),
      }),
    )
    .register(
      'openai',
      createCodexProvider({
        ...common,
        logger: logger.child({ provider: 'openai' }),
        ...(signIn.codexLoginCommand ? { deviceLoginCommand: signIn.codexLoginCommand } : {}),
      }),
    )
    .register('opencode', createOpencodeProvider({ ...common, logger: logger.child({ provider: 'opencode' }) }));
}
