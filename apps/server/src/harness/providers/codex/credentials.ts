// One user's Codex credentials — an API key, or a ChatGPT sign-in (an
// `auth.json` pasted or written by the in-app device login) — plus an optional
// base URL, and the agent environment built from them FROM SCRATCH. Each user
// has their own CODEX_HOME below `users/{id}/openai/`, so sessions, the
// sign-in and Codex's own files never mix between users.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { HttpUrl, type CodexConnectionResponse } from '@bottega/protocol';
import type { AgentEnvironment } from '../../contract';
import { ensurePrivateDir, ensureProviderDir, providerDir, readSecretJson, writeSecretJson } from '../../credential-store';
import { currentHost, type HostFacts } from '../claude/credentials';

/** The provider directory name below `users/{id}/`. */
export const CODEX_DIR = 'openai';

/** The variable holding the API key the custom model provider sends (its `env_key`). */
export const CODEX_KEY_VARIABLE = 'OPENAI_API_KEY';
/** Provider-private entry: the gateway base URL; the turn turns it into config and drops it. */
export const CODEX_BASE_URL_VARIABLE = 'BOTTEGA_CODEX_BASE_URL';

export const CodexCredentials = z.discriminatedUnion('method', [
  z.object({ method: z.literal('api-key'), apiKey: z.string().min(8).max(1000), baseUrl: HttpUrl.nullable() }).strict(),
  z.object({ method: z.literal('chatgpt'), baseUrl: HttpUrl.nullable() }).strict(),
]);
export type CodexCredentials = z.infer<typeof CodexCredentials>;

/** Codex's `auth.json`: a ChatGPT sign-in's tokens (an API key alone belongs in `apiKey`). */
export const CodexAuthJson = z
  .object({
    OPENAI_API_KEY: z.string().nullable().optional(),
    tokens: z
      .object({
        id_token: z.string().min(1),
        access_token: z.string().min(1),
        refresh_token: z.string().min(1),
        account_id: z.string().nullable().optional(),
      })
      .passthrough(),
    last_refresh: z.string().optional(),
  })
  .passthrough();

/** Whether the user connected, how, and through which base URL: the API's shape (packages/protocol). */
export type CodexStatus = CodexConnectionResponse;

export interface CodexPaths {
  dir: string;
  credentialsFile: string;
  /** The CLI's CODEX_HOME (sessions, auth.json of a ChatGPT sign-in). */
  codexHome: string;
  authFile: string;
  /** The agent's HOME, so nothing of the server user's home is visible. */
  homeDir: string;
}

export function codexPaths(home: string, userId: number): CodexPaths {
  const dir = providerDir(home, userId, CODEX_DIR);
  const codexHome = join(dir, 'codex-home');
  return {
    dir,
    credentialsFile: join(dir, 'credentials.json'),
    codexHome,
    authFile: join(codexHome, 'auth.json'),
    homeDir: join(dir, 'home'),
  };
}

/** Parses a pasted auth.json; throws a message fit for the user when it is not one. */
export function parseAuthJson(text: string): z.infer<typeof CodexAuthJson> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('auth.json is not valid JSON');
  }
  const parsed = CodexAuthJson.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `this is not a Codex auth.json from a ChatGPT sign-in (${parsed.error.issues.map((i) => i.path.join('.') || 'root').join(', ')})`,
    );
  return parsed.data;
}

export async function saveCodexCredentials(home: string, userId: number, credentials: CodexCredentials): Promise<void> {
  const parsed = CodexCredentials.parse(credentials);
  await ensureProviderDir(home, userId, CODEX_DIR);
  await writeSecretJson(codexPaths(home, userId).credentialsFile, parsed);
}

/** Stores a pasted auth.json as the user's ChatGPT sign-in (0600 in their CODEX_HOME). */
export async function saveCodexAuthJson(home: string, userId: number, text: string): Promise<void> {
  const auth = parseAuthJson(text);
  await ensureProviderDir(home, userId, CODEX_DIR);
  const paths = codexPaths(home, userId);
  await ensurePrivateDir(paths.codexHome);
  await writeSecretJson(paths.authFile, auth);
}

export async function readCodexCredentials(home: string, userId: number): Promise<CodexCredentials | null> {
  return readSecretJson(codexPaths(home, userId).credentialsFile, CodexCredentials);
}

/** Forgets the credentials and the ChatGPT sign-in; Codex's sessions stay resumable. */
export async function deleteCodexCredentials(home: string, userId: number): Promise<void> {
  const paths = codexPaths(home, userId);
  await rm(paths.credentialsFile, { force: true });
  await rm(paths.authFile, { force: true });
}

/** What the settings UI may show: never the secret itself. */
export async function codexStatus(home: string, userId: number): Promise<CodexStatus> {
  const c = await readCodexCredentials(home, userId);
  if (!c) return { connected: false, method: null, baseUrl: null };
  return { connected: true, method: c.method, baseUrl: c.baseUrl };
}

/** PATH, LANG, TMPDIR from the server; the per-user HOME and CODEX_HOME (created 0700). No credentials. */
export async function codexBaseEnvironment(home: string, userId: number, host: HostFacts = currentHost()): Promise<Record<string, string>> {
  const paths = codexPaths(home, userId);
  await ensureProviderDir(home, userId, CODEX_DIR);
  await ensurePrivateDir(paths.codexHome);
  await ensurePrivateDir(paths.homeDir);
  const env: Record<string, string> = {
    PATH: host.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: paths.homeDir,
    LANG: host.env.LANG ?? 'C.UTF-8',
    CODEX_HOME: paths.codexHome,
  };
  if (host.env.TMPDIR) env.TMPDIR = host.env.TMPDIR;
  return env;
}

/**
 * The agent environment for one user's turn: an API key in exactly one
 * variable, or nothing (a ChatGPT sign-in is read from CODEX_HOME/auth.json,
 * which must exist and be private), plus the base URL entry when set.
 */
export async function buildCodexEnvironment(
  home: string,
  userId: number,
  credentials: CodexCredentials,
  host: HostFacts = currentHost(),
): Promise<AgentEnvironment | null> {
  const c = CodexCredentials.parse(credentials);
  const env = await codexBaseEnvironment(home, userId, host);
  if (c.method === 'api-key') env[CODEX_KEY_VARIABLE] = c.apiKey;
  else if (!(await readSecretJson(codexPaths(home, userId).authFile, CodexAuthJson))) return null;
  if (c.baseUrl) env[CODEX_BASE_URL_VARIABLE] = c.baseUrl;
  return Object.freeze(env);
}
