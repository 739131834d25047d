// A throwaway PostgreSQL cluster from Debian's `postgresql` binaries: `initdb`
// into a temp folder, `pg_ctl start` on a free port of 127.0.0.1 (no system
// service, nothing left behind). Durability is off: the cluster lives for one
// test run. As root (CI containers) the server runs as the `postgres` user the
// package creates, since PostgreSQL refuses to run as root.
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { freePort } from '../net/free-port';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresCluster {
  /** `postgres://bottega@127.0.0.1:PORT/bottega` (trust authentication, local only). */
  url: string;
  /** The folder holding the data directory, socket and log. */
  dir: string;
  stop(): Promise<void>;
}

/** Where the server binaries are: `BOTTEGA_PG_BIN`, else Debian's newest `/usr/lib/postgresql/N/bin`. */
export async function postgresBinDir(): Promise<string> {
  if (process.env.BOTTEGA_PG_BIN) return process.env.BOTTEGA_PG_BIN;
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [] as string[])).filter((v) => /^\d+$/.test(v));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: apt-get install postgresql (or set BOTTEGA_PG_BIN to its bin folder)');
  return join('/usr/lib/postgresql', newest, 'bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error("running as root needs the `postgres` user that Debian's postgresql package creates");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs a PostgreSQL program in `cwd` (the cluster's own folder: the `postgres` user may not enter the caller's). */
function run(file: string, args: string[], as: { uid: number; gid: number } | null, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...(as ?? {}), cwd, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } }, (err, _stdout, stderr) =>
      err ? reject(new Error(`${file} ${args[0] ?? ''} failed: ${stderr || err.message}`)) : resolve(),
    );
  });
}

export async function startPostgresCluster(opts: { maxConnections?: number } = {}): Promise<PostgresCluster> {
  const bin = await postgresBinDir();
  const as = await postgresUser();
  const dir = await mkdtemp(join(tmpdir(), 'bottega-pg-'));
  if (as) await chown(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'bottega', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], as, dir);
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    `-c max_connections=${opts.maxConnections ?? 400}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c shared_buffers=256MB',
  ].join(' ');
  await run(join(bin, 'pg_ctl'), ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings], as, dir);
  const stop = async () => {
    await run(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w'], as, dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'bottega', 'bottega'], null, dir);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgres://bottega@127.0.0.1:${port}/bottega`, dir, stop };
}
