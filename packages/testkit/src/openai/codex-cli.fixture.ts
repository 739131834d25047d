// Runs the bare Codex CLI (`codex exec --experimental-json`) against the fake
// Responses API in temp dirs and collects its JSONL events.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codexFakeConfig } from './env';
import { startFakeOpenAI } from './server';
import type { FakeOpenAI, FakeOpenAIOptions } from './server';

export interface CodexEvent {
  type: string;
  [key: string]: unknown;
}

export interface CodexWorld {
  fake: FakeOpenAI;
  cwd: string;
  /** One `codex exec` (a resume when `threadId` is given); resolves with its events and exit code. */
  exec(prompt: string, opts?: { threadId?: string }): Promise<{ events: CodexEvent[]; code: number | null; stderr: string }>;
  close(): Promise<void>;
}

/** Flattens a config object into `--config key=value` pairs (TOML values). */
function configArgs(value: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof v === 'object' && v !== null) out.push(...configArgs(v as Record<string, unknown>, path));
    else out.push('--config', `${path}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
  }
  return out;
}

export function codexBin(): string {
  return createRequire(import.meta.url).resolve('@openai/codex/bin/codex.js');
}

export async function createCodexWorld(options: FakeOpenAIOptions = {}, key = 'sk-fake-codex'): Promise<CodexWorld> {
  const fake = await startFakeOpenAI(options);
  const home = await mkdtemp(join(tmpdir(), 'testkit-codex-'));
  const cwd = await mkdtemp(join(home, 'work-'));
  // Codex refuses a CODEX_HOME that does not exist.
  await mkdir(join(home, '.codex'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: join(home, '.codex'), FAKE_OPENAI_KEY: key };
  const config = configArgs(codexFakeConfig({ baseUrl: fake.baseUrl, envKey: 'FAKE_OPENAI_KEY' }));
  return {
    fake,
    cwd,
    exec(prompt, opts = {}) {
      // Bottega never uses Codex's own sandbox (its agents run inside Bottega's bubblewrap
      // sandbox instead, where a nested one cannot start), so neither does this fixture.
      const args = [
        codexBin(),
        'exec',
        '--experimental-json',
        ...config,
        '--model',
        'gpt-5.1-codex',
        '--sandbox',
        'danger-full-access',
        '--config',
        'approval_policy="never"',
        '--skip-git-repo-check',
        '--cd',
        cwd,
      ];
      if (opts.threadId) args.push('resume', opts.threadId);
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
        child.once('error', reject);
        child.once('close', (code) => {
          const events = out
            .split('\n')
            .filter((l) => l.trim().startsWith('{'))
            .map((l) => JSON.parse(l) as CodexEvent);
          resolve({ events, code, stderr: err });
        });
        child.stdin.end(prompt);
      });
    },
    async close() {
      await fake.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
