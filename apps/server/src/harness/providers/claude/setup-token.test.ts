// Tests for the in-app `claude setup-token` flow under a real pseudo-terminal.
// The real OAuth endpoints cannot be reached here, so a small node script
// stands in for the CLI: it prints a sign-in URL the way Claude Code does
// (a terminal hyperlink amid ANSI noise), reads the code, prints a token.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../logger';
import { claudePaths, readClaudeCredentials, saveClaudeCredentials } from './credentials';
import { SetupTokenFlows } from './setup-token';
import { findSignInError, findToken, findUrl, outputTail, stripAnsi } from './terminal-text';

const URL = 'https://claude.ai/oauth/authorize?code=true&client_id=abc&state=xyz';
const TOKEN = 'sk-ant-oat01-FAKE_token-0123456789abcdefghijklmnopqrstuvwxyz';

const fakeCli = (envDump: string) => `
const fs = require('fs');
fs.writeFileSync(${JSON.stringify(envDump)}, JSON.stringify({ pid: process.pid, argv: process.argv.slice(2), env: process.env, tty: process.stdin.isTTY }));
process.stdout.write('\\x1b[?25l\\x1b[38;5;174mWelcome\\x1b[9Gto Claude Code\\x1b[39m\\r\\n');
process.stdout.write('\\x1b]8;id=1;${URL}\\x07\\x1b[38;5;246m${URL.slice(0, 30)}\\x1b[39m\\x1b]8;;\\x07\\r\\n');
process.stdout.write('Paste code here if prompted > ');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  input += d;
  if (!/[\\r\\n]/.test(input)) return;
  const code = input.trim();
  if (code === 'good-code#state') {
    process.stdout.write('\\r\\n\\x1b[32m✓\\x1b[39m Long-lived token created:\\r\\n\\x1b[1m${TOKEN}\\x1b[22m\\r\\n');
    setInterval(() => {}, 1000);
  } else {
    // Like Claude Code: show the error and wait for Enter to retry.
    process.stdout.write(code + '\\r\\n\\x1b[31m✘ OAuth error: invalid code\\x1b[39m\\r\\nPress Enter to retry\\r\\n');
    input = '';
  }
});
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dir = '';
let flows: SetupTokenFlows;
let envDump = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottega-setup-token-'));
  envDump = join(dir, 'env.json');
  const script = join(dir, 'fake-claude.cjs');
  await writeFile(script, fakeCli(envDump));
  flows = new SetupTokenFlows({
    home: join(dir, 'home'),
    logger: silentLogger(),
    command: [process.execPath, script],
    stepTimeoutMs: 10_000,
  });
});
afterEach(async () => {
  await flows.closeAll();
  await rm(dir, { recursive: true, force: true });
});

describe('terminal text', () => {
  it('strips escapes, finds the hyperlink URL and the token, masks tokens in tails', () => {
    const raw = `\x1b[1mHi\x1b[22m\x1b[5Gthere\r\n\x1b]8;id=9;${URL}\x07${URL.slice(0, 20)}\x1b]8;;\x07`;
    expect(stripAnsi(raw)).toBe(`Hi there\n${URL.slice(0, 20)}`);
    expect(findUrl(raw)).toBe(URL);
    expect(findUrl(`see https://example.com/x?y=1 now`)).toBe('https://example.com/x?y=1');
    expect(findUrl('no link')).toBeNull();
    expect(findToken(`token:\x1b[1m${TOKEN}\x1b[22m`)).toBe(TOKEN);
    expect(outputTail(`a\nb\nyour token ${TOKEN}`)).toBe('a / b / your token [redacted]');
    expect(findSignInError('\x1b[31m✘ OAuth error: invalid code\x1b[39m\r\nPress Enter')).toBe('OAuth error: invalid code');
    expect(findSignInError('Finishing sign-in…')).toBeNull();
  });
});

describe('SetupTokenFlows', () => {
  it('shows the URL, takes the code, and stores the token as the OAuth credential', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-server-global-key';
    try {
      expect(await flows.start(7)).toEqual({ status: 'awaiting-code', url: URL });
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
    expect(flows.status(7)).toEqual({ status: 'awaiting-code', url: URL });
    const seen = JSON.parse(await readFile(envDump, 'utf8')) as { argv: string[]; env: Record<string, string>; tty: boolean };
    expect(seen.argv).toEqual(['setup-token']);
    expect(seen.tty).toBe(true);
    expect(seen.env.CLAUDE_CONFIG_DIR).toBe(claudePaths(join(dir, 'home'), 7).configDir);
    expect(seen.env.HOME).toBe(claudePaths(join(dir, 'home'), 7).homeDir);
    expect(Object.keys(seen.env).filter((k) => k.startsWith('ANTHROPIC_') || k === 'CLAUDE_CODE_OAUTH_TOKEN')).toEqual([]);

    expect(await flows.complete(7, '  good-code#state\n')).toEqual({ status: 'connected' });
    expect(await readClaudeCredentials(join(dir, 'home'), 7)).toEqual({ oauthToken: TOKEN, baseUrl: null });
    expect((await stat(claudePaths(join(dir, 'home'), 7).credentialsFile)).mode & 0o777).toBe(0o600);
    expect(flows.status(7)).toEqual({ status: 'connected' });
  });

  it('keeps a gateway base URL the user had set', async () => {
    await saveClaudeCredentials(join(dir, 'home'), 8, { apiKey: 'sk-ant-api03-old-key', baseUrl: 'https://gw.example' });
    await flows.start(8);
    await flows.complete(8, 'good-code#state');
    expect(await readClaudeCredentials(join(dir, 'home'), 8)).toEqual({ oauthToken: TOKEN, baseUrl: 'https://gw.example' });
  });

  it('fails clearly on a rejected code and stores nothing', async () => {
    await flows.start(7);
    const t0 = Date.now();
    const failure = flows.complete(7, 'wrong-code-123');
    await expect(failure).rejects.toThrow(/did not accept the code: .*invalid code/);
    await expect(failure).rejects.not.toThrow(/wrong-code-123/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(flows.status(7)).toMatchObject({ status: 'failed' });
    expect(await readClaudeCredentials(join(dir, 'home'), 7)).toBeNull();
  });

  it('refuses a code when no flow waits, and a code with spaces', async () => {
    await expect(flows.complete(7, 'good-code#state')).rejects.toMatchObject({ code: 'CONFLICT' });
    await flows.start(7);
    await expect(flows.complete(7, 'two words')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('cancels, restarts (one flow per user), and times out', async () => {
    await flows.start(7);
    const first = JSON.parse(await readFile(envDump, 'utf8')) as { pid: number };
    await flows.start(7);
    expect(alive(first.pid)).toBe(false);
    const second = JSON.parse(await readFile(envDump, 'utf8')) as { pid: number };
    expect(second.pid).not.toBe(first.pid);
    await flows.cancel(7);
    expect(alive(second.pid)).toBe(false);
    expect(flows.status(7)).toEqual({ status: 'idle' });
    await expect(flows.complete(7, 'good-code#state')).rejects.toMatchObject({ code: 'CONFLICT' });

    const quick = new SetupTokenFlows({
      home: join(dir, 'home'),
      logger: silentLogger(),
      command: [process.execPath, join(dir, 'fake-claude.cjs')],
      timeoutMs: 300,
    });
    await quick.start(9);
    await vi.waitFor(() => expect(quick.status(9)).toEqual({ status: 'failed', error: 'the sign-in timed out; start again' }), {
      timeout: 10_000,
      interval: 20,
    });
  });

  it('fails when the program shows no URL', async () => {
    const silent = join(dir, 'silent.cjs');
    await writeFile(silent, "process.stdout.write('no network\\n'); process.exit(3);");
    const broken = new SetupTokenFlows({ home: join(dir, 'home'), logger: silentLogger(), command: [process.execPath, silent] });
    await expect(broken.start(7)).rejects.toThrow(/exited and did not show a sign-in URL: no network/);
  });
});
