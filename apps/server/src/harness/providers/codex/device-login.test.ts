// The device-code sign-in under a real pseudo-terminal, with a stand-in for
// `codex login --device-auth` (testing/fake-codex-login.mjs).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../logger';
import { processesMatching } from '../../../testing/processes';
import { codexStatus, saveCodexCredentials } from './credentials';
import { DeviceLoginFlows, findDeviceCode } from './device-login';

const FAKE = fileURLToPath(new URL('../../../testing/fake-codex-login.mjs', import.meta.url));
let home: string;
const flows: DeviceLoginFlows[] = [];

function flowsFor(mode: 'approve' | 'deny' | 'hang'): DeviceLoginFlows {
  const f = new DeviceLoginFlows({ home, logger: silentLogger(), command: [process.execPath, FAKE, mode], stepTimeoutMs: 10_000 });
  flows.push(f);
  return f;
}

async function settled(f: DeviceLoginFlows, userId: number): Promise<ReturnType<DeviceLoginFlows['status']>> {
  for (let i = 0; i < 200; i++) {
    const s = f.status(userId);
    if (s.status === 'connected' || s.status === 'failed') return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  return f.status(userId);
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-codex-login-'));
});
afterEach(async () => {
  await Promise.all(flows.splice(0).map((f) => f.closeAll()));
  await rm(home, { recursive: true, force: true });
});

describe('findDeviceCode', () => {
  it('reads the URL and the code after "one-time code" through ANSI colour', () => {
    const raw =
      '1. Open \x1b[94mhttps://auth.openai.com/codex/device\x1b[0m\r\n2. Enter this one-time code (expires in 15 minutes)\r\n   \x1b[94mAB12-CD34\x1b[0m';
    expect(findDeviceCode(raw)).toEqual({ url: 'https://auth.openai.com/codex/device', code: 'AB12-CD34' });
    expect(findDeviceCode('Welcome to Codex')).toBeNull();
  });
});

describe('DeviceLoginFlows', () => {
  it('shows URL and code, then records the ChatGPT sign-in once the CLI wrote auth.json, keeping the base URL', async () => {
    await saveCodexCredentials(home, 1, { method: 'api-key', apiKey: 'sk-old-key-123', baseUrl: 'https://gw.example/v1' });
    const f = flowsFor('approve');
    expect(await f.start(1)).toEqual({ status: 'awaiting-approval', url: 'https://auth.openai.com/codex/device', code: 'Q7RT-M2XK9' });
    expect(await settled(f, 1)).toEqual({ status: 'connected' });
    expect(await codexStatus(home, 1)).toEqual({ connected: true, method: 'chatgpt', baseUrl: 'https://gw.example/v1' });
  });

  it('reports a refused sign-in as failed and stores nothing', async () => {
    const f = flowsFor('deny');
    await f.start(2);
    const s = await settled(f, 2);
    expect(s).toMatchObject({ status: 'failed', error: expect.stringContaining('access denied') });
    expect((await codexStatus(home, 2)).connected).toBe(false);
  });

  it('cancel stops the CLI and forgets the flow', async () => {
    const f = flowsFor('hang');
    await f.start(3);
    expect(await processesMatching('fake-codex-login.mjs hang')).not.toEqual([]);
    await f.cancel(3);
    expect(f.status(3)).toEqual({ status: 'idle' });
    expect(await processesMatching('fake-codex-login.mjs hang')).toEqual([]);
  });
});
