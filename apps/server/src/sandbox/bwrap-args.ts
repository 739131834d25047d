// The bubblewrap command line of one confined agent (docs/behaviour/sandbox.md#confinement): a fresh root
// holding only the system's read-only folders, Bottega's own installation
// (read-only: the agent CLIs and `bottega signal` live there), the instance
// home hidden, and then exactly the folders this agent may use. New PID, IPC,
// UTS and network namespaces, every capability dropped, and the sandbox dies
// with the server. Pure: the paths are decided by the caller.
import { isAbsolute, relative, sep } from 'node:path';
import type { Mount } from './confinement';

/** Where the host-side network sockets appear inside the sandbox. */
export const SANDBOX_NET_DIR = '/run/bottega-net';

/** System folders every agent reads (toolchains, certificates, shells). */
export const SYSTEM_READ_ONLY = ['/usr', '/etc', '/opt'] as const;

export interface BwrapLayout {
  /** Root entries that are symlinks on the host (`/bin -> usr/bin` on merged-/usr systems), recreated as such. */
  rootLinks: readonly { path: string; target: string }[];
  /** Root folders that are real folders on the host and are bound read-only (`/bin` on older systems). */
  rootDirs: readonly string[];
  /** Bottega's installation (node_modules with the agent CLIs, `bin/bottega.js`): read-only. */
  installRoot: string;
  /** The instance home: hidden wherever a read-only folder above would show it. */
  instanceHome: string;
  /** Instance-wide paths every agent reads (skipped where missing). */
  readable: readonly string[];
  /** The turn's own binds, in order (later ones cover earlier ones). */
  mounts: readonly Mount[];
  /** The host folder holding this sandbox's network sockets, shown at SANDBOX_NET_DIR. */
  netDir: string;
  cwd: string;
}

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** The bubblewrap options (everything before `--` and the command). */
export function bwrapArgs(layout: BwrapLayout): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-all', '--cap-drop', 'ALL', '--hostname', 'bottega-sandbox'];
  for (const dir of SYSTEM_READ_ONLY) args.push('--ro-bind-try', dir, dir);
  for (const dir of layout.rootDirs) args.push('--ro-bind-try', dir, dir);
  for (const link of layout.rootLinks) args.push('--symlink', link.target, link.path);
  args.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/run');
  args.push('--ro-bind', layout.installRoot, layout.installRoot);
  // A read-only folder above the instance home would show the database and every user's secrets.
  const shown = [...SYSTEM_READ_ONLY, ...layout.rootDirs, layout.installRoot];
  if (shown.some((dir) => isInside(dir, layout.instanceHome))) args.push('--tmpfs', layout.instanceHome);
  for (const path of layout.readable) args.push('--ro-bind-try', path, path);
  for (const m of layout.mounts) args.push(m.access === 'rw' ? '--bind' : '--ro-bind', m.path, m.path);
  args.push('--bind', layout.netDir, SANDBOX_NET_DIR);
  // The sandbox's own root folder: read-only, so a write anywhere not granted fails instead of vanishing.
  args.push('--remount-ro', '/');
  args.push('--chdir', layout.cwd);
  return args;
}
