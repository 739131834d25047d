// The environment for running the real Claude Code CLI against a fake server:
// built from scratch (the SDK's `env` replaces process.env), hermetic, no retries.

export interface ClaudeEnvOptions {
  /** The fake's url, e.g. `FakeAnthropic.url`. */
  baseUrl: string;
  /** A temp dir used as HOME; the config dir is `<home>/claude`. */
  home: string;
  /** Sent as `x-api-key`; default 'test-key' unless an OAuth token is given. */
  apiKey?: string;
  /** Sent as `Authorization: Bearer …` (CLAUDE_CODE_OAUTH_TOKEN). */
  oauthToken?: string;
  /** Extra variables, applied last. */
  extra?: Record<string, string>;
}

/** PATH, HOME, an isolated CLAUDE_CONFIG_DIR, the fake's url and one credential. */
export function claudeEnv(options: ClaudeEnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.home,
    CLAUDE_CONFIG_DIR: `${options.home}/claude`,
    ANTHROPIC_BASE_URL: options.baseUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    // Tests run as root; bypassPermissions refuses to start as root without it.
    IS_SANDBOX: '1',
  };
  if (options.oauthToken !== undefined) env.CLAUDE_CODE_OAUTH_TOKEN = options.oauthToken;
  const apiKey = options.apiKey ?? (options.oauthToken === undefined ? 'test-key' : undefined);
  if (apiKey !== undefined) env.ANTHROPIC_API_KEY = apiKey;
  return { ...env, ...options.extra };
}
