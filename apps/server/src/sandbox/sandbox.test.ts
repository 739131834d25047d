// The sandbox's modes where bubblewrap cannot run (auto: unconfined with a
// loud warning; required: agents refused with the reason; off), and the
// bubblewrap layout: the instance home hidden under a visible folder, the
// turn's folders bound after it, a read-only root, no network, no capabilities.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../harness/contract';
import { ProcessTree } from '../harness/process-tree';
import { spawnProcessGroup } from '../process/exec';
import { bwrapArgs, SANDBOX_NET_DIR } from './bwrap-args';
import { Sandbox, type SandboxMode } from './sandbox';

let home: string | null = null;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = null;
});

function recordingLogger(lines: { level: number; msg: string }[]) {
  return pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as { level: number; msg: string }) });
}

const request = (cwd: string) => ({
  provider: 'anthropic' as const,
  confinement: { mounts: [{ path: cwd, access: 'rw' as const }], hosts: [] },
  userDirs: [],
  endpoints: ['https://api.anthropic.com'],
  cwd,
  env: {},
});

async function withoutBubblewrap(mode: SandboxMode, lines: { level: number; msg: string }[]): Promise<Sandbox> {
  home = await mkdtemp(join(tmpdir(), 'bottega-sandbox-'));
  // A PATH with neither bwrap nor socat on it.
  return Sandbox.create({ mode, home, logger: recordingLogger(lines), signalUrl: () => null, env: { PATH: home } });
}

describe('Sandbox modes where bubblewrap is missing', () => {
  it('auto starts agents unconfined and says so loudly', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sandbox = await withoutBubblewrap('auto', lines);
    expect(sandbox.status).toEqual({
      mode: 'auto',
      confined: false,
      reason: expect.stringContaining('bubblewrap (bwrap) is not installed') as unknown,
    });
    expect(lines.some((l) => l.level >= 40 && l.msg.includes('AGENTS RUN UNCONFINED'))).toBe(true);
    expect(await sandbox.prepare(request(home ?? ''))).toBeNull();
  });

  it('required refuses to start an agent, with the reason', async () => {
    const sandbox = await withoutBubblewrap('required', []);
    expect(sandbox.status.confined).toBe(false);
    const err = await sandbox.prepare(request(home ?? '')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('fatal');
    expect((err as ProviderError).message).toContain('BOTTEGA_SANDBOX=required');
    expect((err as ProviderError).message).toContain('bubblewrap (bwrap) is not installed');
  });

  it('off never confines, and warns', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sandbox = await withoutBubblewrap('off', lines);
    expect(sandbox.status).toMatchObject({ mode: 'off', confined: false });
    expect(await sandbox.prepare(request(home ?? ''))).toBeNull();
    expect(lines.some((l) => l.level >= 40)).toBe(true);
  });
});

describe('Sandbox where bubblewrap works', () => {
  it('is confined, and a prepared launch rewrites the proxies and runs the program through bwrap', async () => {
    home = await mkdtemp(join(tmpdir(), 'bottega-sandbox-'));
    const sandbox = await Sandbox.create({
      mode: 'required',
      home,
      logger: pino({ level: 'silent' }),
      signalUrl: () => 'http://127.0.0.1:3001',
    });
    expect(sandbox.status.confined).toBe(true);
    const prepared = await sandbox.prepare({ ...request(home), env: {} });
    try {
      expect(prepared).not.toBeNull();
      const env =
        prepared?.confineEnv({
          PATH: '/usr/bin',
          http_proxy: 'http://github-proxy:8080',
          KEEP: 'me',
          BOTTEGA_SIGNAL_URL: 'http://127.0.0.1:3001/api/signals',
          ELSEWHERE: 'http://127.0.0.1:30011/x',
        }) ?? {};
      expect(env.KEEP).toBe('me');
      // Bottega's URL points at the sandbox's relay for it; other values are left alone.
      expect(env.BOTTEGA_SIGNAL_URL).toBe(`${env.http_proxy}/api/signals`);
      expect(env.ELSEWHERE).toBe('http://127.0.0.1:30011/x');
      expect(env.http_proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.HTTPS_PROXY).toBe(env.http_proxy);
      expect(env.NO_PROXY).toBe('127.0.0.1,::1');
      const cmd = prepared?.command('/usr/bin/true', ['--flag']);
      expect(cmd?.file).toMatch(/bwrap$/);
      expect(cmd?.args.slice(-5)).toEqual(['--', '/bin/sh', `${SANDBOX_NET_DIR}/init.sh`, '/usr/bin/true', '--flag']);
    } finally {
      await prepared?.close();
    }
  });
});

describe('stopping a sandboxed agent', () => {
  it('gives the agent inside its SIGTERM (bubblewrap is spared until then), so it can save its work', async () => {
    home = await mkdtemp(join(tmpdir(), 'bottega-sandbox-'));
    const work = join(home, 'work');
    await mkdir(work);
    const sandbox = await Sandbox.create({ mode: 'required', home, logger: pino({ level: 'silent' }), signalUrl: () => null });
    const prepared = await sandbox.prepare(request(work));
    const cmd = prepared?.command('/bin/sh', [
      '-c',
      'trap "echo saved > saved.txt; exit 0" TERM; echo ready > ready.txt; while :; do sleep 0.05; done',
    ]);
    if (!prepared || !cmd) throw new Error('no sandbox');
    const child = spawnProcessGroup(cmd.file, cmd.args, { cwd: work, env: { PATH: '/usr/bin:/bin' } });
    child.stderr?.resume();
    try {
      for (let i = 0; i < 200 && !existsSync(join(work, 'ready.txt')); i++) await new Promise((r) => setTimeout(r, 25));
      const tree = new ProcessTree(child.pid ?? 0);
      await tree.terminate(3000);
      expect(await readFile(join(work, 'saved.txt'), 'utf8')).toBe('saved\n');
      expect(await tree.alive()).toEqual([]);
    } finally {
      await prepared.close();
    }
  });
});

describe('bwrapArgs', () => {
  const layout = {
    rootLinks: [{ path: '/bin', target: 'usr/bin' }],
    rootDirs: [],
    installRoot: '/srv/bottega',
    instanceHome: '/srv/bottega/data',
    readable: ['/srv/bottega/data/templates'],
    mounts: [
      { path: '/srv/repos/app-worktrees/task-3', access: 'rw' as const },
      { path: '/srv/bottega/data/projects/1/tasks/task-3', access: 'rw' as const },
      { path: '/srv/repos/app/.env', access: 'ro' as const },
    ],
    netDir: '/tmp/bottega-sbx-x',
    cwd: '/srv/repos/app-worktrees/task-3',
  };

  it("hides an instance home that lies under a visible folder, then binds the turn's folders over it", () => {
    const args = bwrapArgs(layout);
    const pairs = args.map((a, i) => `${a} ${args[i + 1] ?? ''}`);
    const install = pairs.indexOf('--ro-bind /srv/bottega');
    const hide = pairs.indexOf('--tmpfs /srv/bottega/data');
    const archive = pairs.indexOf('--bind /srv/bottega/data/projects/1/tasks/task-3');
    expect(install).toBeGreaterThan(-1);
    expect(hide).toBeGreaterThan(install);
    expect(archive).toBeGreaterThan(hide);
    expect(args.slice(args.indexOf('--remount-ro'), args.indexOf('--remount-ro') + 2)).toEqual(['--remount-ro', '/']);
    expect(args.indexOf('--remount-ro')).toBeGreaterThan(archive);
  });

  it('leaves no network, no capabilities and no way to outlive the server', () => {
    const args = bwrapArgs({ ...layout, instanceHome: '/var/lib/bottega' });
    for (const flag of ['--unshare-all', '--die-with-parent', '--new-session']) expect(args).toContain(flag);
    expect(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2)).toEqual(['--cap-drop', 'ALL']);
    expect(args).not.toContain('--share-net');
    // A home outside every visible folder needs no hiding.
    expect(args).not.toContain('/var/lib/bottega');
    expect(args.join(' ')).toContain('--ro-bind /srv/repos/app/.env /srv/repos/app/.env');
    expect(args.join(' ')).toContain('--ro-bind-try /srv/bottega/data/templates /srv/bottega/data/templates');
  });
});
