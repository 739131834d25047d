// Task creation on a repository with 20,000 tracked files and a 300 MB
// node_modules: the response must come back in < 1 s while the dependency
// copy continues in the background. Reports the background copy's duration
// and the disk it used, for the default mode (auto) and a plain copy, and how
// long the background checkout of the worktree's files takes.
import { randomBytes } from 'node:crypto';
import { mkdir, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { adminAuth, cleanup, cli, execFileP, report, startServer, tempHome } from './lib';

const TRACKED_FILES = 20_000;
const DEPS_BYTES = 300 * 1024 * 1024;
const DEPS_FILE_BYTES = 10 * 1024;

async function makeRepo(repo: string): Promise<void> {
  for (let d = 0; d < TRACKED_FILES / 100; d++) {
    const dir = join(repo, 'src', `module${d}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(
      Array.from({ length: 100 }, (_, f) => writeFile(join(dir, `file${f}.js`), `export const value${f} = ${d * 100 + f};\n`)),
    );
  }
  await writeFile(join(repo, '.gitignore'), 'node_modules/\n');
  const git = (...args: string[]) =>
    execFileP('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'bench fixture');
  const chunk = randomBytes(DEPS_FILE_BYTES);
  const files = DEPS_BYTES / DEPS_FILE_BYTES;
  for (let p = 0; p < files / 30; p++) {
    const dir = join(repo, 'node_modules', `pkg${p}`, 'lib');
    await mkdir(dir, { recursive: true });
    await Promise.all(Array.from({ length: 30 }, (_, f) => writeFile(join(dir, `f${f}.js`), chunk)));
  }
}

const freeBytes = async (path: string): Promise<number> => {
  const s = await statfs(path);
  return s.bavail * s.bsize;
};

async function measure(home: string, repo: string, mode: string): Promise<void> {
  const s = await startServer(home, { BOTTEGA_DEPS_COPY: mode });
  try {
    const auth = await adminAuth(home, s.url);
    let projectId = 1;
    const projects = (await (await fetch(`${s.url}/api/projects`, { headers: { authorization: auth } })).json()) as { projects: unknown[] };
    if (projects.projects.length === 0) {
      const p = await fetch(`${s.url}/api/projects`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Big', repoPath: repo }),
      });
      projectId = ((await p.json()) as { project: { id: number } }).project.id;
    }
    const before = await freeBytes(home);
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${s.url}/api/projects/${projectId}/tasks`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `Benchmark task (${mode})`, description: 'measure me' }),
    });
    const responseMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 201) throw new Error(`task create failed: ${res.status} ${await res.text()}`);
    const { task } = (await res.json()) as { task: { id: number; worktreePath: string } };
    for (;;) {
      const { task: now } = (await (await fetch(`${s.url}/api/tasks/${task.id}`, { headers: { authorization: auth } })).json()) as {
        task: { workspaceStatus: string; workspaceError: string | null };
      };
      if (now.workspaceStatus === 'ready') break;
      if (now.workspaceStatus === 'failed') throw new Error(`workspace failed: ${now.workspaceError}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const target = join(task.worktreePath, 'node_modules');
    for (;;) {
      if (await stat(target).catch(() => null)) break;
      if (Number(process.hrtime.bigint() - t0) / 1e9 > 600) throw new Error('dependency copy did not finish in 10 minutes');
      await new Promise((r) => setTimeout(r, 25));
    }
    const copyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const usedMb = (before - (await freeBytes(home))) / (1024 * 1024);
    const [a, b] = await Promise.all([
      stat(join(repo, 'node_modules', 'pkg0', 'lib', 'f0.js')),
      stat(join(target, 'pkg0', 'lib', 'f0.js')),
    ]);
    const how = a.ino === b.ino ? 'hard links' : 'separate files (reflink or copy)';
    report(`task create response, BOTTEGA_DEPS_COPY=${mode}`, responseMs, 'ms', 1000);
    report(`  background checkout of ${TRACKED_FILES} files until the workspace is ready`, readyMs, 'ms');
    report(`  background dependency copy complete, from the request (${how})`, copyMs, 'ms');
    report(`  disk used by the new worktree (checked-out files + dependencies)`, Math.max(usedMb, 0), 'MB');
  } finally {
    await s.stop();
  }
}

export async function run(): Promise<void> {
  const home = await tempHome('taskcreate');
  try {
    const repo = join(home, 'big-repo');
    const t0 = Date.now();
    await makeRepo(repo);
    console.log(
      `       fixture: ${TRACKED_FILES} tracked files + ${DEPS_BYTES / 1024 / 1024} MB node_modules built in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    await cli(home, ['migrate']);
    await measure(home, repo, 'auto');
    await measure(home, repo, 'copy');
  } finally {
    await cleanup(home);
  }
}
