// Tests for reading the user's MCP servers from $CLAUDE_CONFIG_DIR/settings.json:
// absent → none, valid entries passed through, invalid ones refused by name.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMcpServers, readClaudeMcpServers } from './mcp-config';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottega-mcp-'));
  await chmod(dir, 0o700);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseMcpServers', () => {
  it('accepts stdio, http and sse servers and ignores other settings', () => {
    const servers = parseMcpServers({
      hooks: { Stop: [] },
      mcpServers: {
        files: { command: 'npx', args: ['-y', 'fs-server'], env: { ROOT: '/x' } },
        docs: { type: 'http', url: 'https://mcp.example/docs', headers: { Authorization: 'Bearer t' } },
        feed: { type: 'sse', url: 'http://127.0.0.1:9000/sse' },
      },
    });
    expect(servers).toEqual({
      files: { type: 'stdio', command: 'npx', args: ['-y', 'fs-server'], env: { ROOT: '/x' } },
      docs: { type: 'http', url: 'https://mcp.example/docs', headers: { Authorization: 'Bearer t' } },
      feed: { type: 'sse', url: 'http://127.0.0.1:9000/sse' },
    });
    expect(parseMcpServers({})).toEqual({});
  });

  it.each([
    [{ mcpServers: { bad: { command: '' } } }, 'mcpServers.bad'],
    [{ mcpServers: { web: { type: 'http', url: 'ftp://x' } } }, 'http(s) URL'],
    [{ mcpServers: { 'no spaces': { command: 'x' } } }, 'server names'],
    [{ mcpServers: [] }, 'mcpServers'],
  ])('refuses %o', (value, message) => {
    expect(() => parseMcpServers(value)).toThrow(message);
  });
});

describe('readClaudeMcpServers', () => {
  it('returns {} without a settings file and reads a private one', async () => {
    expect(await readClaudeMcpServers(dir)).toEqual({});
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ mcpServers: { x: { command: 'x' } } }), { mode: 0o600 });
    expect(await readClaudeMcpServers(dir)).toEqual({ x: { type: 'stdio', command: 'x' } });
  });

  it('refuses a settings file others can read (it may hold tokens)', async () => {
    await writeFile(join(dir, 'settings.json'), '{}', { mode: 0o644 });
    await chmod(join(dir, 'settings.json'), 0o644);
    await expect(readClaudeMcpServers(dir)).rejects.toThrow(/group or others/);
  });
});
