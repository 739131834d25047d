// The host side of a sandbox's network (docs/behaviour/sandbox.md#network). The sandbox has its own
// network namespace with nothing but loopback; these listeners, on Unix
// sockets in a private folder bound into it, are its only ways out:
//   - a relay per allowed loopback port (the model endpoint on this machine);
//   - one HTTP server for the rest: as a proxy (CONNECT and absolute-form
//     requests) it lets through only the allowed host names, never to a
//     loopback or link-local address, chaining to the server's own upstream
//     proxy where one is configured; addressed directly (origin-form) it is
//     Bottega as the agent sees it, where only `POST /api/signals` passes
//     (the agent's environment names this port for Bottega's URL);
//   - for a server the agent runs (OpenCode), a host port that reaches it.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { BlockList, connect, createServer, isIP, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger';
import { forwardSocketName, publishSocketName } from './init-script';

export interface UpstreamProxy {
  http: URL | null;
  https: URL | null;
  /** Host names (and `.suffix` forms) that bypass the upstream proxy. */
  noProxy: readonly string[];
}

export interface NetworkPolicy {
  /** Host loopback ports the agent reaches as they are (a model endpoint on this machine). */
  loopbackPorts: readonly number[];
  /** Bottega's own base URL, where only `POST /api/signals` is let through; null for none. */
  bottegaUrl: string | null;
  /** `host`, `host:port` or `*.domain[:port]`; without a port, 80 and 443. */
  hosts: readonly string[];
  upstream: UpstreamProxy;
  /** Ports the agent listens on inside, to be reachable from the host. */
  publish: readonly number[];
}

const DEFAULT_PORTS = [80, 443];

/** Whether `host:port` is on the allow list. */
export function hostAllowed(rules: readonly string[], host: string, port: number): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return rules.some((rule) => {
    const m = /^(.+?)(?::(\d+))?$/.exec(rule.toLowerCase().trim());
    if (!m?.[1]) return false;
    const [pattern, rulePort] = [m[1], m[2]];
    if (rulePort ? Number(rulePort) !== port : !DEFAULT_PORTS.includes(port)) return false;
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
    return name === pattern;
  });
}

const refused = new BlockList();
refused.addSubnet('127.0.0.0', 8, 'ipv4');
refused.addSubnet('0.0.0.0', 8, 'ipv4');
refused.addSubnet('169.254.0.0', 16, 'ipv4');
refused.addAddress('::1', 'ipv6');
refused.addAddress('::', 'ipv6');
refused.addSubnet('fe80::', 10, 'ipv6');
refused.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** True for addresses an allowed name must never lead to (this machine, link-local metadata services). */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return refused.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that fails for refused addresses (a name rebound to 127.0.0.1 reaches nothing). */
function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: false }, (err, address, family) => {
    if (err) return callback(err, '', 0);
    if (isRefusedAddress(address)) {
      const denied = Object.assign(new Error(`${hostname} resolves to ${address}, which the sandbox never reaches`), { code: 'EACCES' });
      return callback(denied, '', 0);
    }
    callback(null, address, family);
  });
}

function bypassesUpstream(noProxy: readonly string[], host: string): boolean {
  const name = host.toLowerCase();
  return noProxy.some((entry) => {
    const e = entry.toLowerCase().trim().replace(/:\d+$/, '');
    if (e === '') return false;
    if (e === '*') return true;
    const bare = e.replace(/^\*?\./, '');
    return name === bare || name.endsWith(`.${bare}`);
  });
}

function pipeBoth(a: Duplex, b: Duplex): void {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b).on('error', () => a.destroy());
  b.pipe(a).on('error', () => b.destroy());
}

function deny(res: ServerResponse, message: string): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(`${message}\n`);
}

const HOP_HEADERS = ['proxy-authorization', 'proxy-connection', 'keep-alive', 'te', 'trailer', 'upgrade'];

function forwardHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_HEADERS.includes(k)) headers[k] = v;
  return headers;
}

function relayResponse(upstream: IncomingMessage, res: ServerResponse): void {
  res.writeHead(upstream.statusCode ?? 502, upstream.headers);
  upstream.pipe(res);
}

function badGateway(res: ServerResponse, err: Error): void {
  if (res.headersSent) res.destroy();
  else {
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(`${err.message}\n`);
  }
}

export class SandboxNetwork {
  private readonly servers: (Server | HttpServer)[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hostPorts = new Map<number, number>();
  /** The loopback port inside the sandbox where the HTTP proxy listens. */
  readonly proxyPort: number;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly policy: NetworkPolicy,
    private readonly logger: Logger,
  ) {
    const taken = new Set([...policy.loopbackPorts, ...policy.publish]);
    let port = 3128;
    while (taken.has(port)) port += 1;
    this.proxyPort = port;
  }

  /** Starts every listener of the policy in `dir` (a private folder that is bound into the sandbox). */
  static async open(dir: string, policy: NetworkPolicy, logger: Logger): Promise<SandboxNetwork> {
    const net = new SandboxNetwork(dir, policy, logger);
    try {
      await net.start();
    } catch (err) {
      await net.close();
      throw err;
    }
    return net;
  }

  /** Loopback ports inside the sandbox that relay out (the init script opens them). */
  get inboundPorts(): number[] {
    return [...new Set([...this.policy.loopbackPorts, this.proxyPort])];
  }

  /** The host port where the agent's own listener `port` (published) is reached. */
  hostPortFor(port: number): number {
    const hostPort = this.hostPorts.get(port);
    if (hostPort === undefined) throw new Error(`port ${port} is not published by this sandbox`);
    return hostPort;
  }

  private async start(): Promise<void> {
    const listening = this.policy.loopbackPorts.map((port) =>
      this.listenUnix(
        createServer((s) => this.relay(s, () => connect(port, '127.0.0.1'))),
        port,
      ),
    );
    listening.push(this.listenUnix(this.proxy(), this.proxyPort));
    listening.push(...this.policy.publish.map((port) => this.publish(port)));
    await Promise.all(listening);
  }

  private async publish(port: number): Promise<void> {
    const path = join(this.dir, publishSocketName(port));
    const server = createServer((s) => this.relay(s, () => connect(path)));
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (typeof addr !== 'object' || !addr) throw new Error('a published port has no address');
    this.hostPorts.set(port, addr.port);
  }

  private async listenUnix(server: Server | HttpServer, port: number): Promise<void> {
    this.servers.push(server);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(join(this.dir, forwardSocketName(port)), () => resolve());
    });
  }

  private relay(inbound: Socket, open: () => Socket): void {
    this.sockets.add(inbound);
    inbound.once('close', () => this.sockets.delete(inbound));
    const out = open();
    this.sockets.add(out);
    out.once('close', () => this.sockets.delete(out));
    pipeBoth(inbound, out);
  }

  /** A request addressed to this port itself: Bottega as the agent sees it, the signal route and nothing else. */
  private toBottega(req: IncomingMessage, res: ServerResponse): void {
    const { pathname: path, search } = new URL(req.url ?? '/', 'http://sandbox');
    if (!this.policy.bottegaUrl || req.method !== 'POST' || path !== '/api/signals') {
      this.logger.warn({ method: req.method, path: path.slice(0, 200) }, 'sandbox: refused a request to the Bottega API');
      return deny(res, 'the sandbox lets agents reach only POST /api/signals of Bottega');
    }
    const target = new URL(this.policy.bottegaUrl);
    // The normalised path goes on, never the agent's own spelling of it.
    const out = httpRequest(
      { host: target.hostname, port: target.port || 80, method: 'POST', path: `${path}${search}`, headers: forwardHeaders(req) },
      (up) => relayResponse(up, res),
    );
    out.on('error', (err) => badGateway(res, err));
    req.pipe(out);
  }

  /** The filtering HTTP proxy (CONNECT tunnels and absolute-form requests to allowed hosts), and Bottega for origin-form requests. */
  private proxy(): HttpServer {
    const { hosts, upstream } = this.policy;
    const server = createHttpServer((req, res) => {
      if (req.url?.startsWith('/')) return this.toBottega(req, res);
      let url: URL;
      try {
        url = new URL(req.url ?? '');
      } catch {
        return deny(res, 'the sandbox proxy takes absolute URLs only');
      }
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      if (url.protocol !== 'http:' || !hostAllowed(hosts, url.hostname, port)) {
        this.logger.warn({ host: url.hostname, port }, 'sandbox: refused a connection to a host that is not allowed');
        return deny(res, `the sandbox does not allow ${url.hostname}:${port} (an admin can add it to the project's allowed hosts)`);
      }
      const via = upstream.http && !bypassesUpstream(upstream.noProxy, url.hostname) ? upstream.http : null;
      const options = via
        ? { host: via.hostname, port: via.port || 80, path: url.href }
        : { host: url.hostname, port, path: `${url.pathname}${url.search}`, lookup: guardedLookup };
      const out = httpRequest({ ...options, method: req.method, headers: forwardHeaders(req) }, (up) => relayResponse(up, res));
      out.on('error', (err) => badGateway(res, err));
      req.pipe(out);
    });
    server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
      const host = m?.[1] ?? '';
      const port = Number(m?.[2] ?? 0);
      if (!m || !hostAllowed(hosts, host, port)) {
        this.logger.warn({ host, port }, 'sandbox: refused a tunnel to a host that is not allowed');
        client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nthe sandbox does not allow ${host}:${port}\n`);
        return;
      }
      const via = upstream.https && !bypassesUpstream(upstream.noProxy, host) ? upstream.https : null;
      const out = via ? connect(Number(via.port || 80), via.hostname) : connect({ host, port, lookup: guardedLookup });
      out.once('connect', () => {
        if (via) out.write(`CONNECT ${host}:${port} HTTP/1.1\r\nhost: ${host}:${port}\r\n\r\n`);
        else client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) out.write(head);
        pipeBoth(client, out);
      });
      out.once('error', (err) => client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\n${err.message}\n`));
    });
    return server;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
