// The host side of a sandbox's network, driven through its Unix sockets as the
// relays inside the sandbox would: the allow list (names, ports, wildcards),
// the signal route as the only way into Bottega, the upstream proxy for
// allowed hosts, and no way to a loopback address through an allowed name.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { forwardSocketName } from './init-script';
import { hostAllowed, isRefusedAddress, SandboxNetwork, type NetworkPolicy } from './network';

describe('hostAllowed', () => {
  const rules = ['registry.npmjs.org', '*.pypi.org', 'mirror.example.com:8443'];
  it.each([
    ['registry.npmjs.org', 443, true],
    ['REGISTRY.npmjs.org.', 80, true],
    ['registry.npmjs.org', 22, false],
    ['files.pypi.org', 443, true],
    ['pypi.org', 443, false],
    ['evilpypi.org', 443, false],
    ['mirror.example.com', 8443, true],
    ['mirror.example.com', 443, false],
    ['example.com', 443, false],
  ])('%s:%i → %s', (host, port, allowed) => expect(hostAllowed(rules, host, port)).toBe(allowed));
});

describe('isRefusedAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['169.254.169.254', true],
    ['0.0.0.0', true],
    ['10.1.2.3', false],
    ['140.82.112.3', false],
    ['not an address', true],
  ])('%s → %s', (address, refused) => expect(isRefusedAddress(address)).toBe(refused));
});

let dir: string | null = null;
let net: SandboxNetwork | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await net?.close();
  net = null;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function listen(handler: (req: IncomingMessage, body: string) => [number, string]): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      const [status, text] = handler(req, body);
      res.writeHead(status).end(text);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, seen };
}

/** An HTTP request sent to one of the sandbox's sockets, as a relay inside would pass it on. */
function viaSocket(port: number, method: string, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: join(dir ?? '', forwardSocketName(port)), method, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

async function open(policy: Partial<NetworkPolicy>): Promise<SandboxNetwork> {
  dir = await mkdtemp(join(tmpdir(), 'bottega-net-'));
  net = await SandboxNetwork.open(
    dir,
    { loopbackPorts: [], bottegaUrl: null, hosts: [], upstream: { http: null, https: null, noProxy: [] }, publish: [], ...policy },
    silentLogger(),
  );
  return net;
}

describe('SandboxNetwork', () => {
  it('lets only POST /api/signals through to Bottega', async () => {
    const bottega = await listen((req) => [req.url === '/api/signals' ? 401 : 200, 'bottega']);
    const n = await open({ bottegaUrl: `http://127.0.0.1:${bottega.port}` });
    const inside = `127.0.0.1:${n.proxyPort}`;
    expect((await viaSocket(n.proxyPort, 'POST', '/api/signals', inside)).status).toBe(401);
    expect((await viaSocket(n.proxyPort, 'GET', '/api/auth/status', inside)).status).toBe(403);
    expect((await viaSocket(n.proxyPort, 'POST', '/api/signals/../admin/users', inside)).status).toBe(403);
    expect((await viaSocket(n.proxyPort, 'GET', '/api/signals', inside)).status).toBe(403);
    expect((await viaSocket(n.proxyPort, 'POST', '/api/./signals', inside)).status).toBe(401);
    // Bottega's own port is no way in: nothing inside listens there.
    expect(n.inboundPorts).not.toContain(bottega.port);
    expect(bottega.seen).toEqual(['POST /api/signals', 'POST /api/signals']);
  });

  it('proxies allowed hosts through the upstream proxy and refuses the rest', async () => {
    const upstream = await listen((req) => [200, `upstream saw ${req.url}`]);
    const n = await open({
      hosts: ['packages.test'],
      upstream: { http: new URL(`http://127.0.0.1:${upstream.port}`), https: null, noProxy: [] },
    });
    const allowed = await viaSocket(n.proxyPort, 'GET', 'http://packages.test/pkg', 'packages.test');
    expect(allowed).toEqual({ status: 200, body: 'upstream saw http://packages.test/pkg' });
    const denied = await viaSocket(n.proxyPort, 'GET', 'http://elsewhere.test/', 'elsewhere.test');
    expect(denied.status).toBe(403);
    expect(denied.body).toContain('elsewhere.test:80');
    expect(upstream.seen).toEqual(['GET http://packages.test/pkg']);
  });

  it('refuses a tunnel to a host that is not allowed, and an allowed name that leads to this machine', async () => {
    const n = await open({ hosts: ['localhost'] });
    const tunnel = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(join(dir ?? '', forwardSocketName(n.proxyPort)), () =>
          s.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`),
        );
        s.once('data', (d) => {
          resolve(String(d).split('\r\n')[0] ?? '');
          s.destroy();
        });
        s.once('error', reject);
      });
    expect(await tunnel('registry.npmjs.org:443')).toContain('403');
    // `localhost` is on the list, but it resolves to loopback: nothing on this machine is reachable that way.
    expect(await tunnel('localhost:443')).toContain('502');
  });

  it('relays an allowed loopback port as it is', async () => {
    const model = await listen((req, body) => [200, `model got ${req.method} ${body}`]);
    await open({ loopbackPorts: [model.port] });
    expect(await viaSocket(model.port, 'POST', '/v1/messages', `127.0.0.1:${model.port}`)).toEqual({
      status: 200,
      body: 'model got POST {}',
    });
  });
});
