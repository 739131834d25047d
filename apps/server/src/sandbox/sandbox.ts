// The agent sandbox (docs/behaviour/sandbox.md#confinement, decision record 0007): every agent process —
// the Claude Code CLI, each `codex exec`, each `opencode serve` — starts
// inside bubblewrap with the layout of bwrap-args.ts and the network of
// network.ts. `BOTTEGA_SANDBOX` decides what happens where bubblewrap cannot
// run: `auto` starts agents unconfined with a loud warning, `required`
// refuses to start them, `off` never confines (a single-user laptop).
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ProviderError } from '../harness/contract';
import type { ProviderName } from '@bottega/protocol';
import type { Logger } from '../logger';
import { execFileCapture, shellQuote } from '../process/exec';
import { bwrapArgs, isInside, SANDBOX_NET_DIR, type BwrapLayout } from './bwrap-args';
import { rw, type Confinement } from './confinement';
import { FORWARDS_FILE_NAME, forwardsFile, INIT_SCRIPT, INIT_SCRIPT_NAME } from './init-script';
import { SandboxNetwork, type UpstreamProxy } from './network';
import { installRoot } from './install-root';
import { ifMissing } from '../fs-errors';

export type SandboxMode = 'auto' | 'required' | 'off';

export interface SandboxStatus {
  mode: SandboxMode;
  /** Whether agents start confined. */
  confined: boolean;
  /** Why (the probe's finding), for Admin → Instance. */
  reason: string;
}

/** Host names GitHub's CLI and git use, allowed for every agent. */
export const GITHUB_HOSTS = [
  'github.com',
  'api.github.com',
  'uploads.github.com',
  'codeload.github.com',
  'objects.githubusercontent.com',
  'raw.githubusercontent.com',
];

const PROXY_VARS = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];

export interface ConfineRequest {
  provider: ProviderName;
  confinement: Confinement;
  /** The acting user's own provider folder (credentials, the CLI's home and sessions). */
  userDirs: readonly string[];
  /** The user's model endpoint(s): base URLs. */
  endpoints: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Ports the agent listens on that the host must reach (OpenCode's server). */
  publish?: readonly number[];
}

export interface SandboxOptions {
  mode: SandboxMode;
  /** The instance home: never visible inside, beyond what a request names. */
  home: string;
  logger: Logger;
  /** Bottega's own base URL (known once it listens): only its signal route is reachable. */
  signalUrl: () => string | null;
  /** The server's environment: PATH (to find bwrap and socat), GH_HOST and the upstream proxies. */
  env?: NodeJS.ProcessEnv;
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  return null;
}

function parseProxy(value: string | undefined): URL | null {
  if (!value) return null;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    // Not a URL: the server's variable names no proxy we could chain to.
    return null;
  }
}

function loopbackPort(url: URL): number | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') return null;
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** One confined launch: its environment, its command line, and the host side to close afterwards. */
export class PreparedSandbox {
  constructor(
    private readonly bwrap: string,
    private readonly options: string[],
    private readonly dir: string,
    readonly network: SandboxNetwork,
    private readonly proxyUrl: string,
    /** Bottega's own base URL (outside), reached inside at `proxyUrl`. */
    private readonly bottegaUrl: string | null,
  ) {}

  /**
   * `env` as the agent gets it inside: the sandbox's own proxy instead of any
   * proxy setting, Bottega's URL (the signal endpoint) pointing at the
   * sandbox's relay for it, and TMPDIR inside.
   */
  confineEnv(env: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
      if (PROXY_VARS.includes(k)) continue;
      out[k] = this.bottegaUrl && v.startsWith(`${this.bottegaUrl}/`) ? `${this.proxyUrl}${v.slice(this.bottegaUrl.length)}` : v;
    }
    for (const k of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) out[k] = this.proxyUrl;
    // Loopback goes straight to the relays inside (a `localhost` entry would also match github.localhost).
    out.no_proxy = out.NO_PROXY = '127.0.0.1,::1';
    out.TMPDIR = '/tmp';
    return out;
  }

  /** The command line that runs `program args…` inside the sandbox. */
  command(program: string, args: readonly string[]): { file: string; args: string[] } {
    return { file: this.bwrap, args: [...this.options, '--', '/bin/sh', `${SANDBOX_NET_DIR}/${INIT_SCRIPT_NAME}`, program, ...args] };
  }

  /**
   * An executable that runs `program` with its own arguments inside the
   * sandbox, for SDKs that spawn their CLI themselves (Codex). The bubblewrap
   * options travel NUL-separated in a file, never through the shell.
   */
  async launcher(program: string): Promise<string> {
    await writeFile(join(this.dir, 'bwrap.args'), `${this.options.join('\0')}\0`, { mode: 0o600 });
    const path = join(this.dir, 'launch');
    const script = `#!/bin/sh\nexec ${shellQuote(this.bwrap)} --args 3 -- /bin/sh ${SANDBOX_NET_DIR}/${INIT_SCRIPT_NAME} ${shellQuote(program)} "$@" 3< ${shellQuote(join(this.dir, 'bwrap.args'))}\n`;
    await writeFile(path, script, { mode: 0o700 });
    return path;
  }

  /** Closes the host side and removes the private folder. */
  async close(): Promise<void> {
    await this.network.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export class Sandbox {
  private constructor(
    private readonly o: SandboxOptions,
    readonly status: SandboxStatus,
    private readonly tools: {
      bwrap: string;
      layout: Pick<BwrapLayout, 'rootLinks' | 'rootDirs' | 'installRoot' | 'instanceHome'>;
      readable: string[];
    } | null,
  ) {}

  /** Checks that bubblewrap and socat work here (one confined `true`), and logs the outcome. */
  static async create(o: SandboxOptions): Promise<Sandbox> {
    const env = o.env ?? process.env;
    if (o.mode === 'off') {
      o.logger.warn("BOTTEGA_SANDBOX=off: agents run unconfined and can read every user's secrets on this machine");
      return new Sandbox(o, { mode: 'off', confined: false, reason: 'turned off by BOTTEGA_SANDBOX=off' }, null);
    }
    const bwrap = findOnPath('bwrap', env);
    const socat = findOnPath('socat', env);
    let problem: string | null = null;
    let tools: Sandbox['tools'] = null;
    if (!bwrap) problem = 'bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap socat)';
    else if (!socat) problem = 'socat is not installed (Debian: apt-get install socat)';
    else {
      // The instance's templates (the plan template agents read) are the one part of the home every agent sees.
      tools = {
        bwrap,
        layout: { ...(await rootLayout()), installRoot: installRoot(), instanceHome: o.home },
        readable: [...nodePrefix(), join(o.home, 'templates')],
      };
      problem = await probe(tools.bwrap, tools.layout);
    }
    if (problem !== null) {
      const status: SandboxStatus = { mode: o.mode, confined: false, reason: problem };
      if (o.mode === 'required')
        o.logger.error({ reason: problem }, 'BOTTEGA_SANDBOX=required but the sandbox cannot run: agents will not start');
      else
        o.logger.warn(
          { reason: problem },
          "AGENTS RUN UNCONFINED: the sandbox cannot run here, so any agent can read every user's secrets (set BOTTEGA_SANDBOX=required to refuse instead)",
        );
      return new Sandbox(o, status, null);
    }
    o.logger.info({ bwrap }, 'agents run in the bubblewrap sandbox');
    return new Sandbox(o, { mode: o.mode, confined: true, reason: 'bubblewrap works here: agents run confined' }, tools);
  }

  /** Hosts every agent reaches (GitHub, and the server's GH_HOST), besides its model endpoint and its project's list. */
  alwaysAllowedHosts(): string[] {
    const ghHost = (this.o.env ?? process.env).GH_HOST?.trim().toLowerCase();
    return [...GITHUB_HOSTS, ...(ghHost && !GITHUB_HOSTS.includes(ghHost) ? [ghHost, `api.${ghHost}`] : [])];
  }

  /**
   * Prepares one confined launch, or null where agents run unconfined
   * (`off`, or `auto` without a working sandbox). Throws a fatal provider
   * error under `required` when the sandbox cannot run.
   */
  async prepare(req: ConfineRequest): Promise<PreparedSandbox | null> {
    if (!this.tools) {
      if (this.status.mode === 'required')
        throw new ProviderError(
          req.provider,
          'fatal',
          'process',
          `the agent sandbox is required (BOTTEGA_SANDBOX=required) but cannot run: ${this.status.reason}`,
        );
      return null;
    }
    const env = this.o.env ?? process.env;
    const endpoints = req.endpoints.map((e) => new URL(e));
    const loopbackPorts = endpoints.map(loopbackPort).filter((p): p is number => p !== null);
    const hosts = [
      ...this.alwaysAllowedHosts(),
      ...endpoints.filter((u) => loopbackPort(u) === null).map((u) => `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`),
      ...req.confinement.hosts,
    ];
    const upstream: UpstreamProxy = {
      http: parseProxy(env.http_proxy ?? env.HTTP_PROXY),
      https: parseProxy(env.https_proxy ?? env.HTTPS_PROXY),
      noProxy: (env.no_proxy ?? env.NO_PROXY ?? '').split(','),
    };
    // mkdtemp creates the folder 0700.
    const dir = await mkdtemp(join(tmpdir(), 'bottega-sbx-'));
    let network: SandboxNetwork | null = null;
    try {
      const signalUrl = this.o.signalUrl();
      network = await SandboxNetwork.open(
        dir,
        { loopbackPorts, bottegaUrl: signalUrl, hosts, upstream, publish: req.publish ?? [] },
        this.o.logger,
      );
      const forwards = forwardsFile({ inbound: network.inboundPorts, published: req.publish ?? [] });
      await Promise.all([
        writeFile(join(dir, INIT_SCRIPT_NAME), INIT_SCRIPT, { mode: 0o600 }),
        writeFile(join(dir, FORWARDS_FILE_NAME), forwards, { mode: 0o600 }),
      ]);
      const options = bwrapArgs({
        ...this.tools.layout,
        readable: this.tools.readable,
        mounts: [...req.confinement.mounts, ...req.userDirs.map(rw)],
        netDir: dir,
        cwd: req.cwd,
      });
      return new PreparedSandbox(
        this.tools.bwrap,
        options,
        dir,
        network,
        `http://127.0.0.1:${network.proxyPort}`,
        signalUrl?.replace(/\/+$/, '') ?? null,
      );
    } catch (err) {
      await network?.close();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }
}

/** `/bin`, `/lib`…: symlinks into /usr on merged systems (recreated), real folders elsewhere (bound). */
async function rootLayout(): Promise<Pick<BwrapLayout, 'rootLinks' | 'rootDirs'>> {
  const rootLinks: { path: string; target: string }[] = [];
  const rootDirs: string[] = [];
  for (const path of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    const info = await lstat(path).catch(ifMissing(null));
    if (!info) continue;
    if (info.isSymbolicLink()) rootLinks.push({ path, target: await readlink(path) });
    else if (info.isDirectory()) rootDirs.push(path);
  }
  return { rootLinks, rootDirs };
}

/** Node's own installation when it lives outside /usr (nvm and the like), so `bottega signal` runs inside. */
function nodePrefix(): string[] {
  const prefix = dirname(dirname(process.execPath));
  return ['/usr', '/opt'].some((d) => isInside(d, prefix)) ? [] : [prefix];
}

/** One confined `true` with the real layout: null when it works, else why not. */
async function probe(
  bwrap: string,
  layout: Pick<BwrapLayout, 'rootLinks' | 'rootDirs' | 'installRoot' | 'instanceHome'>,
): Promise<string | null> {
  const dir = await mkdtemp(join(tmpdir(), 'bottega-sbx-probe-'));
  try {
    const args = bwrapArgs({ ...layout, readable: [], mounts: [], netDir: dir, cwd: '/' });
    const result = await execFileCapture(bwrap, [...args, '--', '/bin/sh', '-c', 'command -v socat >/dev/null && exit 0 || exit 3'], {
      timeoutMs: 10_000,
      env: { PATH: '/usr/bin:/bin' },
    });
    if (result.code === 0) return null;
    if (result.code === 3) return 'socat is not visible inside the sandbox';
    return `bubblewrap cannot create the sandbox here: ${(result.stderr.trim() || `exit code ${result.code}`).slice(0, 300)}`;
  } catch (err) {
    return `bubblewrap could not be run: ${(err as Error).message}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
