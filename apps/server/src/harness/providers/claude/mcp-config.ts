// The user's MCP servers for Claude Code: the `mcpServers` key of
// `$CLAUDE_CONFIG_DIR/settings.json`. The CLI itself never loads that file
// (turns run with `settingSources: []`, so no settings file can inject hooks);
// Bottega reads only this key, validates it, and passes it explicitly.
import { join } from 'node:path';
import type { McpServerConfig } from '@anthropic-ai/claude-agent-sdk';
import { z } from 'zod';
import { readSecretJson } from '../../credential-store';

export const MCP_SETTINGS_FILE = 'settings.json';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const stringMap = z.record(z.string(), z.string());
const httpUrl = z.string().refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http(s) URL');

const Stdio = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  timeout: z.number().int().positive().optional(),
});
const Remote = z.object({
  type: z.enum(['http', 'sse']),
  url: httpUrl,
  headers: stringMap.optional(),
  timeout: z.number().int().positive().optional(),
});

const McpSettings = z.looseObject({
  mcpServers: z
    .record(z.string(), z.union([Stdio, Remote]))
    .superRefine((servers, ctx) => {
      for (const key of Object.keys(servers)) {
        if (!NAME.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'server names are 1-64 letters, digits, _ or -' });
      }
    })
    .optional(),
});

/** Parses a settings object's `mcpServers`; throws naming the offending entry. */
export function parseMcpServers(value: unknown, source = MCP_SETTINGS_FILE): Record<string, McpServerConfig> {
  const parsed = McpSettings.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`the MCP configuration in ${source} is invalid: ${issues}`);
  }
  const out: Record<string, McpServerConfig> = {};
  for (const [key, server] of Object.entries(parsed.data.mcpServers ?? {})) {
    out[key] = 'url' in server ? server : { ...server, type: 'stdio' };
  }
  return out;
}

/** The user's MCP servers ({} when the file or the key is absent). */
export async function readClaudeMcpServers(configDir: string): Promise<Record<string, McpServerConfig>> {
  const file = join(configDir, MCP_SETTINGS_FILE);
  const value = await readSecretJson(file, z.unknown());
  return value === null ? {} : parseMcpServers(value, file);
}
