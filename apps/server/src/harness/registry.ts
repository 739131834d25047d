// The explicit provider registry: every provider is registered by name at
// boot; a duplicate or a name that does not match the provider fails at once.
import type { ProviderName } from '@bottega/protocol';
import { ProviderError, type LlmProvider } from './contract';

export class ProviderRegistry {
  private readonly providers = new Map<ProviderName, LlmProvider>();

  register(name: ProviderName, provider: LlmProvider): this {
    if (provider.name !== name) throw new Error(`provider registered as ${name} calls itself ${provider.name}`);
    if (this.providers.has(name)) throw new Error(`provider ${name} is registered twice`);
    this.providers.set(name, provider);
    return this;
  }

  get(name: ProviderName): LlmProvider {
    const p = this.providers.get(name);
    if (!p) throw new ProviderError(name, 'fatal', 'invalid_request', `provider ${name} is not available on this server`);
    return p;
  }

  has(name: ProviderName): boolean {
    return this.providers.has(name);
  }

  names(): ProviderName[] {
    return [...this.providers.keys()];
  }
}
