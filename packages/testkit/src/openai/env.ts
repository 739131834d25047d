// The Codex configuration that points the real CLI at the fake Responses API
// (HARNESSES.md): a custom model provider (never the built-in one, which tries
// a WebSocket first), no retries, no analytics, plugins or update checks.

export interface CodexProviderConfigInput {
  /** The provider's base URL, `http://127.0.0.1:PORT/v1`. */
  baseUrl: string;
  /** The environment variable holding the key the CLI sends as a Bearer token. */
  envKey: string;
  /** How long a silent stream is waited on (ms); default 30 s. */
  streamIdleTimeoutMs?: number;
}

/** The SDK's `config` object (it becomes `--config key=value` flags). */
export function codexFakeConfig(input: CodexProviderConfigInput): Record<string, unknown> {
  return {
    model_provider: 'bottega',
    model_providers: {
      bottega: {
        name: 'bottega',
        base_url: input.baseUrl,
        wire_api: 'responses',
        env_key: input.envKey,
        request_max_retries: 0,
        stream_max_retries: 0,
        stream_idle_timeout_ms: input.streamIdleTimeoutMs ?? 30_000,
      },
    },
    analytics: { enabled: false },
    features: { plugins: false, unbounded_connection_retries: false },
    check_for_update_on_startup: false,
  };
}
