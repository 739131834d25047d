// What a user's `opencode serve` runs with, built FROM SCRATCH: its
// configuration (OPENCODE_CONFIG_CONTENT: the user's one provider, every
// permission allowed, the question tool off, nothing shared or updated), its
// environment (a private HOME and XDG dirs, the OPENCODE_DISABLE_* switches)
// and the pre-seeded config directory (so it never npm-installs a plugin, and
// loads Bottega's shell-env plugin that hands each turn its own variables).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, ensureProviderDir } from '../../credential-store';
import { OPENCODE_DIR, opencodePaths, type OpencodeCredentials } from './credentials';

/** The provider id a custom OpenAI-compatible endpoint gets inside OpenCode. */
export const CUSTOM_PROVIDER_ID = 'custom';
/** OpenCode's own id for Zen. */
export const ZEN_PROVIDER_ID = 'opencode';

/** The variable naming the directory of per-session environment files. */
export const TURN_ENV_DIR_VAR = 'BOTTEGA_OPENCODE_TURN_ENV';
/** Marks the environment returned by environmentFor with its user. */
export const USER_VAR = 'BOTTEGA_OPENCODE_USER';

const ALLOW = 'allow';
const PERMISSIONS = {
  read: ALLOW,
  edit: ALLOW,
  glob: ALLOW,
  grep: ALLOW,
  list: ALLOW,
  bash: ALLOW,
  task: ALLOW,
  external_directory: ALLOW,
  todowrite: ALLOW,
  webfetch: ALLOW,
  websearch: ALLOW,
  lsp: ALLOW,
  doom_loop: ALLOW,
  skill: ALLOW,
  // Nobody answers a permission or question prompt mid-turn: it would hang the turn.
  question: 'deny',
} as const;

/** The OpenCode configuration for one user's credentials. */
export function opencodeConfig(c: OpencodeCredentials): Record<string, unknown> {
  const common = {
    permission: PERMISSIONS,
    tools: { question: false },
    autoupdate: false,
    share: 'disabled',
    snapshot: false,
    lsp: false,
    formatter: false,
  };
  if ('zenKey' in c) {
    return { ...common, enabled_providers: [ZEN_PROVIDER_ID], provider: { [ZEN_PROVIDER_ID]: { options: { apiKey: c.zenKey } } } };
  }
  const models = Object.fromEntries(c.custom.models.map((id) => [id, { name: id }]));
  return {
    ...common,
    enabled_providers: [CUSTOM_PROVIDER_ID],
    provider: {
      [CUSTOM_PROVIDER_ID]: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Custom provider',
        options: { baseURL: c.custom.baseUrl, apiKey: c.custom.apiKey },
        models,
      },
    },
    // The title side request goes to the user's own endpoint, never elsewhere.
    small_model: `${CUSTOM_PROVIDER_ID}/${c.custom.models[0] ?? ''}`,
  };
}

/** A run model `provider/model` split, e.g. `custom/gpt-4.1` or `opencode/some-model`. */
export function parseModel(model: string): { providerID: string; modelID: string } | null {
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) return null;
  return { providerID: model.slice(0, slash), modelID: model.slice(slash + 1) };
}

const PLUGIN = `// Written by Bottega: gives each OpenCode session's shell commands the
// variables of its current turn (run credentials, git identity), read from a
// per-session file, and hides the server's own secrets from them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BottegaTurnEnv = async () => ({
  'shell.env': async (input, output) => {
    output.env.OPENCODE_SERVER_PASSWORD = '';
    output.env.OPENCODE_CONFIG_CONTENT = '';
    const dir = process.env.${TURN_ENV_DIR_VAR};
    if (!dir || typeof input.sessionID !== 'string' || !/^[A-Za-z0-9_-]+$/.test(input.sessionID)) return;
    let vars;
    try {
      vars = JSON.parse(readFileSync(join(dir, input.sessionID + '.json'), 'utf8'));
    } catch {
      // no environment file for this session: nothing to add
      return;
    }
    for (const [k, v] of Object.entries(vars)) if (typeof v === 'string') output.env[k] = v;
  },
});
`;

/** The `@opencode-ai/plugin` entry that makes OpenCode consider the config dir installed. */
const PLUGIN_DEPS = { '@opencode-ai/plugin': '*' };

/** Creates the user's private directories and pre-seeds the config directory (idempotent). */
export async function prepareOpencodeDirs(home: string, userId: number): Promise<void> {
  const p = opencodePaths(home, userId);
  await ensureProviderDir(home, userId, OPENCODE_DIR);
  for (const dir of [p.homeDir, join(p.dir, 'xdg'), p.configHome, p.dataHome, p.cacheHome, p.stateHome, p.configDir, p.turnEnvDir])
    await ensurePrivateDir(dir);
  await ensurePrivateDir(join(p.configDir, 'node_modules'));
  await ensurePrivateDir(join(p.configDir, 'plugins'));
  await writeFile(join(p.configDir, 'package.json'), `${JSON.stringify({ dependencies: PLUGIN_DEPS }, null, 2)}\n`, { mode: 0o600 });
  await writeFile(
    join(p.configDir, 'package-lock.json'),
    `${JSON.stringify({ name: 'opencode', lockfileVersion: 3, requires: true, packages: { '': { dependencies: PLUGIN_DEPS } } }, null, 2)}\n`,
    { mode: 0o600 },
  );
  await writeFile(join(p.configDir, 'plugins', 'bottega-turn-env.js'), PLUGIN, { mode: 0o600 });
}

export interface HostEnv {
  PATH?: string;
  LANG?: string;
  TMPDIR?: string;
}

/**
 * The environment of one user's server (without the server password, which
 * the pool adds per spawn). Nothing of the Bottega server's own environment
 * but PATH, LANG and TMPDIR.
 */
export function opencodeServerEnvironment(
  home: string,
  userId: number,
  c: OpencodeCredentials,
  host: HostEnv = process.env,
): Record<string, string> {
  const p = opencodePaths(home, userId);
  const env: Record<string, string> = {
    PATH: host.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: host.LANG ?? 'C.UTF-8',
    HOME: p.homeDir,
    XDG_CONFIG_HOME: p.configHome,
    XDG_DATA_HOME: p.dataHome,
    XDG_CACHE_HOME: p.cacheHome,
    XDG_STATE_HOME: p.stateHome,
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_CONFIG_CONTENT: JSON.stringify(opencodeConfig(c)),
    [TURN_ENV_DIR_VAR]: p.turnEnvDir,
  };
  if (host.TMPDIR) env.TMPDIR = host.TMPDIR;
  return env;
}
