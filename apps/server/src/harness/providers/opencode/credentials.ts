// One user's OpenCode credentials — an OpenCode Zen key, or a custom
// OpenAI-compatible provider (base URL, key, models) — stored 0600 in 0700
// directories, and what the settings UI may see of them (never the secret).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectOpencodeBody, type OpencodeConnectionResponse } from '@bottega/protocol';
import { ensureProviderDir, providerDir, readSecretJson, writeSecretJson } from '../../credential-store';

/** The provider directory name below `users/{id}/`. */
export const OPENCODE_DIR = 'opencode';

/** The stored shape is exactly what the API accepts. */
export const OpencodeCredentials = ConnectOpencodeBody;
export type OpencodeCredentials = ConnectOpencodeBody;

/** Whether the user connected, how, and through which base URL: the API's shape (packages/protocol). */
export type OpencodeStatus = OpencodeConnectionResponse;

export interface OpencodePaths {
  /** `users/{id}/opencode` */
  dir: string;
  credentialsFile: string;
  /** The server's HOME and XDG directories, all below `dir`. */
  homeDir: string;
  configHome: string;
  dataHome: string;
  cacheHome: string;
  stateHome: string;
  /** `$XDG_CONFIG_HOME/opencode`, pre-seeded so the server never npm-installs into it. */
  configDir: string;
  /** Per-session environment files the shell-env plugin reads (one turn's extra variables). */
  turnEnvDir: string;
}

export function opencodePaths(home: string, userId: number): OpencodePaths {
  const dir = providerDir(home, userId, OPENCODE_DIR);
  const configHome = join(dir, 'xdg', 'config');
  return {
    dir,
    credentialsFile: join(dir, 'credentials.json'),
    homeDir: join(dir, 'home'),
    configHome,
    dataHome: join(dir, 'xdg', 'data'),
    cacheHome: join(dir, 'xdg', 'cache'),
    stateHome: join(dir, 'xdg', 'state'),
    configDir: join(configHome, 'opencode'),
    turnEnvDir: join(dir, 'turn-env'),
  };
}

export async function saveOpencodeCredentials(home: string, userId: number, credentials: OpencodeCredentials): Promise<void> {
  const parsed = OpencodeCredentials.parse(credentials);
  await ensureProviderDir(home, userId, OPENCODE_DIR);
  await writeSecretJson(opencodePaths(home, userId).credentialsFile, parsed);
}

export async function readOpencodeCredentials(home: string, userId: number): Promise<OpencodeCredentials | null> {
  return readSecretJson(opencodePaths(home, userId).credentialsFile, OpencodeCredentials);
}

/** Forgets the credentials; the server's sessions under the data directory stay. */
export async function deleteOpencodeCredentials(home: string, userId: number): Promise<void> {
  await rm(opencodePaths(home, userId).credentialsFile, { force: true });
}

export function statusOf(c: OpencodeCredentials | null): OpencodeStatus {
  if (!c) return { connected: false, method: null, baseUrl: null, models: [] };
  if ('zenKey' in c) return { connected: true, method: 'zen', baseUrl: null, models: [] };
  return { connected: true, method: 'custom', baseUrl: c.custom.baseUrl, models: c.custom.models };
}

export async function opencodeStatus(home: string, userId: number): Promise<OpencodeStatus> {
  return statusOf(await readOpencodeCredentials(home, userId));
}
