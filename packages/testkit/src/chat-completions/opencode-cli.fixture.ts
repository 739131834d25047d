// Test fixture: a real `opencode serve`, isolated in a temp directory (HOME,
// XDG dirs, a pre-seeded config dir), configured with one custom
// OpenAI-compatible provider pointing at a fake, and an SDK client for it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createOpencodeClient } from '@opencode-ai/sdk/v2/client';
import type { Event, OpencodeClient } from '@opencode-ai/sdk/v2/client';

export interface OpencodeFixture {
  url: string;
  client: OpencodeClient;
  /** A working directory for sessions. */
  work: string;
  /** Runs one prompt in `sessionId` and resolves with the session's events up to its `session.idle`. */
  turn(sessionId: string, text: string): Promise<Event[]>;
  close(): Promise<void>;
}

function opencodeBinary(): string {
  const pkg = createRequire(import.meta.url).resolve('opencode-linux-x64/package.json');
  return join(dirname(pkg), 'bin', 'opencode');
}

export async function startOpencode(baseUrl: string, apiKey: string): Promise<OpencodeFixture> {
  const root = mkdtempSync(join(tmpdir(), 'testkit-opencode-'));
  const cfg = join(root, 'config', 'opencode');
  mkdirSync(join(cfg, 'node_modules'), { recursive: true });
  const deps = { '@opencode-ai/plugin': '*' };
  writeFileSync(join(cfg, 'package.json'), JSON.stringify({ dependencies: deps }));
  writeFileSync(
    join(cfg, 'package-lock.json'),
    JSON.stringify({ name: 'opencode', lockfileVersion: 3, requires: true, packages: { '': { dependencies: deps } } }),
  );
  const work = join(root, 'work');
  mkdirSync(work);
  const config = {
    provider: {
      fake: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Fake',
        options: { baseURL: baseUrl, apiKey },
        models: { 'fake-model': { name: 'Fake model' } },
      },
    },
    model: 'fake/fake-model',
    small_model: 'fake/fake-model',
    permission: { bash: 'allow', edit: 'allow' },
    tools: { question: false },
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CACHE_HOME: join(root, 'cache'),
    XDG_STATE_HOME: join(root, 'state'),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
    OPENCODE_SERVER_PASSWORD: 'fixture-password',
  };
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child: ChildProcess = spawn(opencodeBinary(), ['serve', '--hostname', '127.0.0.1', '--port', String(port)], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.resume();
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`opencode did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(() => reject(new Error(`opencode exited before it was ready: ${out}`)));
  });
  const client = createOpencodeClient({
    baseUrl: url,
    headers: { authorization: `Basic ${Buffer.from('opencode:fixture-password').toString('base64')}` },
  });
  return {
    url,
    client,
    work,
    async turn(sessionId, text) {
      const controller = new AbortController();
      const sub = await client.event.subscribe({ directory: work }, { signal: controller.signal });
      const events: Event[] = [];
      const done = (async () => {
        for await (const e of sub.stream) {
          events.push(e);
          if (e.type === 'session.idle' && e.properties.sessionID === sessionId) return;
        }
      })();
      await client.session.promptAsync({
        sessionID: sessionId,
        directory: work,
        model: { providerID: 'fake', modelID: 'fake-model' },
        parts: [{ type: 'text', text }],
      });
      await done;
      controller.abort();
      return events;
    },
    async close() {
      if (child.pid !== undefined && child.exitCode === null) {
        process.kill(-child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
