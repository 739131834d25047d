// Tests for the process runner, chiefly its abort support: an aborted signal
// kills the child with SIGKILL and the call settles only after the child is gone.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecError, execFileCapture, execFileChecked, isAbortError } from './exec';

const node = process.execPath;
let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottega-exec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Arguments for a node child that writes its pid to `file`, then idles for a minute. */
function idleChild(file: string): string[] {
  return ['-e', `require('fs').writeFileSync(${JSON.stringify(file)}, String(process.pid)); setTimeout(() => {}, 60000)`];
}

async function waitForPid(file: string): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text) return Number(text);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('child never reported its pid');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('execFileCapture', () => {
  it('captures output and exit code without throwing on failure', async () => {
    const r = await execFileCapture(node, ['-e', 'process.stdout.write("hi"); process.exit(3)']);
    expect(r).toMatchObject({ code: 3, stdout: 'hi' });
    await expect(execFileChecked(node, ['-e', 'process.exit(2)'])).rejects.toBeInstanceOf(ExecError);
  });

  it('kills the child with SIGKILL on abort and rejects with an AbortError once it has exited', async () => {
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const run = execFileCapture(node, idleChild(pidFile), { signal: controller.signal });
    const pid = await waitForPid(pidFile);
    expect(isAlive(pid)).toBe(true);
    controller.abort(new Error('test teardown'));
    const err: unknown = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAbortError(err)).toBe(true);
    expect((err as Error).message).toContain('test teardown');
    expect(isAlive(pid)).toBe(false);
  });

  it('rejects execFileChecked with an AbortError too', async () => {
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const run = execFileChecked(node, idleChild(pidFile), { signal: controller.signal });
    await waitForPid(pidFile);
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('spawns nothing when the signal is already aborted', async () => {
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    controller.abort();
    await expect(execFileCapture(node, idleChild(pidFile), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 200));
    await expect(readFile(pidFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is unaffected by a signal that never aborts', async () => {
    const controller = new AbortController();
    const r = await execFileCapture(node, ['-e', 'process.stdout.write("ok")'], { signal: controller.signal });
    expect(r).toMatchObject({ code: 0, stdout: 'ok', signal: null });
  });
});
