// A hostile agent on a shared instance (docs/behaviour/sandbox.md#confinement): user A's agent — on the
// real Claude Code CLI, the real Codex CLI and a real `opencode serve`, each
// driven by the testkit's fake of its vendor — runs a probe script that tries
// to read user B's credentials, the database, the session secret, another
// task's worktree and archive and other processes' environments; to write
// outside its worktree; and to reach a host that is not allowed, user B's
// OpenCode server and an API route other than the signal route. Every attempt
// must fail while the agent's own work (its worktree, its task document, the
// signal route) still works.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, TaskDto, UnifiedMessage } from '@bottega/protocol';
import { directive, startFakeChatCompletions, startFakeOpenAI, type FakeChatCompletions, type FakeOpenAI } from '@bottega/testkit';
import type { OpencodeProvider } from '../harness/providers/opencode/provider';
import { connectClaude, EventRecorder, startChatWorld, type ChatWorld } from '../testing/chat-world';
import type { TestUser } from '../testing/context';
import { taskArchive } from '../workspace/paths';

const B_CLAUDE_KEY = 'sk-ant-user-b-sentinel-7f3a';
const B_OPENCODE_KEY = 'sk-oc-user-b-sentinel-91c2';
const SESSION_SECRET = 'session-secret-sentinel-4d8e0b6c2a1f9e7d5c3b1a0f8e6d4c2b';
const OTHER_TASK_NOTE = 'other-task-archive-sentinel';

let w: ChatWorld;
let openai: FakeOpenAI;
let chat: FakeChatCompletions;
let userB: TestUser;
let otherTask: TaskDto;
let probe: string;

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The probe the agent runs: one line per attempt, `label: denied|REACHED` or a network outcome. */
function probeScript(p: Record<string, string>): string {
  const node = (code: string, ...args: string[]) => `${q(process.execPath)} -e ${q(code)} ${args.map(q).join(' ')}`;
  const status =
    'fetch(process.argv[1],{method:process.argv[2]??"GET",headers:{authorization:"Bearer brt_forged","content-type":"application/json"},body:process.argv[2]==="POST"?JSON.stringify({signal:"plan-complete"}):undefined}).then(r=>console.log(r.status),e=>console.log("error",e.cause?.code??e.message))';
  const tcp =
    'const s=require("net").connect(Number(process.argv[1]),"127.0.0.1");s.on("connect",()=>{console.log("connected");s.destroy()});s.on("error",e=>console.log(e.code))';
  const tunnel =
    'const u=new URL(process.env.HTTPS_PROXY||process.env.https_proxy);const s=require("net").connect(Number(u.port),u.hostname,()=>s.write("CONNECT "+process.argv[1]+" HTTP/1.1\\r\\nhost: "+process.argv[1]+"\\r\\n\\r\\n"));s.on("data",d=>{console.log(String(d).split(" ")[1]);s.destroy()});s.on("error",e=>console.log(e.code))';
  return [
    '#!/bin/sh',
    'try() { label=$1; shift; if "$@" >/dev/null 2>&1; then echo "$label: REACHED"; else echo "$label: denied"; fi; }',
    `try other-user-credentials cat ${q(p.bCredentials ?? '')}`,
    `try database head -c 16 ${q(p.database ?? '')}`,
    `try session-secret cat ${q(p.sessionSecret ?? '')}`,
    `try other-task-worktree ls ${q(p.otherWorktree ?? '')}`,
    `try other-task-archive cat ${q(p.otherDocument ?? '')}`,
    `try other-user-folder ls ${q(p.bFolder ?? '')}`,
    // Where the instance home lies under /tmp (as here), these land in the sandbox's own
    // scratch /tmp and vanish with it; the test checks that nothing reached the host.
    `sh -c ${q(`echo x > ${q(p.escape ?? '')}`)} 2>/dev/null`,
    `sh -c ${q(`echo x > ${q(`${p.home}/planted`)}`)} 2>/dev/null`,
    'try write-system sh -c "echo x > /usr/planted"',
    'try write-root sh -c "echo x > /planted"',
    'try own-worktree sh -c "echo ok > own-write.txt"',
    // The repository's .git: where git takes instructions from is read-only, where it writes commits is not.
    `try git-config sh -c ${q(`echo '[core]' >> ${q(`${p.gitCommon}/config`)}`)}`,
    `try git-hook sh -c ${q(`echo 'touch /tmp/x' > ${q(`${p.gitCommon}/hooks/post-checkout`)}`)}`,
    `try other-worktree-metadata sh -c ${q(`echo elsewhere > ${q(`${p.gitCommon}/worktrees/${p.otherWorktreeName}/commondir`)}`)}`,
    `try own-worktree-metadata sh -c ${q(`echo elsewhere > ${q(`${p.gitCommon}/worktrees/${p.ownWorktreeName}/commondir`)}`)}`,
    'try own-commit git -c user.name=probe -c user.email=probe@example.com commit -q --allow-empty -m probe',
    `try own-document cat ${q(p.ownDocument ?? '')}`,
    `echo "environ-other-user-key: $(cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c ${q(B_CLAUDE_KEY)})"`,
    'echo "processes: $(ls -d /proc/[0-9]* | wc -l)"',
    // Bottega's own port is not reachable; inside, its URL is the sandbox relay (the proxy port).
    `echo "bottega-port: $(${node(status, `${p.server}/api/auth/status`)})"`,
    `echo "api-route: $(${node(status)} "$HTTP_PROXY/api/auth/status")"`,
    `echo "signal-route: $(${node(status)} "$HTTP_PROXY/api/signals" POST)"`,
    `echo "other-opencode-server: $(${node(tcp, p.bOpencodePort ?? '0')})"`,
    `echo "host-not-allowed: $(${node(tunnel, 'registry.npmjs.org:443')})"`,
    '',
  ].join('\n');
}

beforeAll(async () => {
  openai = await startFakeOpenAI({ requireKey: 'sk-user-a-codex' });
  chat = await startFakeChatCompletions();
  w = await startChatWorld();
  // The secret a real instance generates into its home (tests configure theirs directly).
  await writeFile(join(w.ctx.home, 'session-secret'), SESSION_SECRET, { mode: 0o600 });
  expect(
    (await w.ctx.request('PUT', '/api/providers/openai', { as: w.owner, json: { apiKey: 'sk-user-a-codex', baseUrl: openai.baseUrl } }))
      .status,
  ).toBe(200);
  const ocBody = (apiKey: string) => ({ custom: { baseUrl: chat.baseUrl, apiKey, models: ['fake-model'] } });
  expect((await w.ctx.request('PUT', '/api/providers/opencode', { as: w.owner, json: ocBody('sk-user-a-opencode') })).status).toBe(200);

  userB = await w.ctx.user();
  await connectClaude(w.ctx, userB, w.fake, B_CLAUDE_KEY);
  expect((await w.ctx.request('PUT', '/api/providers/opencode', { as: userB, json: ocBody(B_OPENCODE_KEY) })).status).toBe(200);
  // User B's OpenCode server is up (its model list starts it).
  expect((await w.ctx.request('GET', '/api/providers/opencode/models', { as: userB })).status).toBe(200);
  const bServer = (w.ctx.deps.providers.get('opencode') as OpencodeProvider).pool.serverOf(userB.row.id);
  expect(bServer).not.toBeNull();

  const created = await w.ctx.request('POST', `/api/projects/${w.projectId}/tasks`, { as: w.owner, json: { title: 'Another task' } });
  otherTask = ((await created.json()) as { task: TaskDto }).task;
  await w.ctx.deps.background.drain();
  const otherDocument = taskArchive(w.ctx.home, w.projectId, otherTask.id).documentPath;
  await writeFile(otherDocument, `# Another task\n\n${OTHER_TASK_NOTE}\n`);

  const worktree = w.task.worktreePath ?? '';
  probe = probeScript({
    bCredentials: join(w.ctx.home, 'users', String(userB.row.id), 'anthropic', 'credentials.json'),
    bFolder: join(w.ctx.home, 'users', String(userB.row.id)),
    gitCommon: join(dirname(dirname(worktree)), 'app', '.git'),
    ownWorktreeName: basename(worktree),
    otherWorktreeName: basename(otherTask.worktreePath ?? ''),
    database: join(w.ctx.home, 'bottega.db'),
    sessionSecret: join(w.ctx.home, 'session-secret'),
    otherWorktree: otherTask.worktreePath ?? '',
    otherDocument,
    home: w.ctx.home,
    escape: join(dirname(worktree), 'escaped.txt'),
    ownDocument: taskArchive(w.ctx.home, w.projectId, w.task.id).documentPath,
    server: w.server.url,
    bOpencodePort: new URL(bServer?.url ?? 'http://127.0.0.1:1').port,
  });
  await writeFile(join(worktree, 'probe.sh'), probe);
}, 120_000);

afterAll(async () => {
  await w.close();
  await openai.close();
  await chat.close();
});

async function runProbe(provider: string, model: string, effort: string | null): Promise<string> {
  const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
  try {
    const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
      as: w.owner,
      json: { provider, model, effort, message: `Look around. ${directive.bash('sh ./probe.sh')} ${directive.say('done')}` },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const conv = ((await res.json()) as { conversation: ConversationDto }).conversation;
    // The probe starts several Node processes inside the sandbox; on a loaded two-core
    // machine that turn takes far longer than a chat reply.
    await rec.turnEnded(conv.id, 1, 100_000);
    const history = (
      (await (await w.ctx.request('GET', `/api/conversations/${conv.id}/messages?limit=1000`, { as: w.owner })).json()) as {
        messages: UnifiedMessage[];
      }
    ).messages;
    const result = history.find((m) => m.type === 'tool_result');
    if (result?.type !== 'tool_result') throw new Error(`no tool result in ${JSON.stringify(history).slice(0, 2000)}`);
    return result.output;
  } finally {
    rec.close();
  }
}

function outcomes(output: string): Record<string, string> {
  return Object.fromEntries(
    output
      .split('\n')
      .map((l) => /^([a-z-]+): (.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
  );
}

describe.each([
  { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: null },
  { provider: 'openai', model: 'gpt-5.1-codex', effort: 'medium' },
  { provider: 'opencode', model: 'custom/fake-model', effort: null },
])('a hostile agent on $provider', ({ provider, model, effort }) => {
  it('reads, writes and reaches nothing beyond its own task', async () => {
    const output = await runProbe(provider, model, effort);
    const o = outcomes(output);
    expect(o, output).toMatchObject({
      'other-user-credentials': 'denied',
      database: 'denied',
      'session-secret': 'denied',
      'other-task-worktree': 'denied',
      'other-task-archive': 'denied',
      'other-user-folder': 'denied',
      'write-system': 'denied',
      'write-root': 'denied',
      // The agent's own work is untouched by the confinement.
      'own-worktree': 'REACHED',
      'own-document': 'REACHED',
      'git-config': 'denied',
      'git-hook': 'denied',
      'other-worktree-metadata': 'denied',
      'own-worktree-metadata': 'denied',
      'own-commit': 'REACHED',
      'environ-other-user-key': '0',
      // Bottega's port answers only the signal route (a forged token is refused by the route itself).
      'bottega-port': 'error ECONNREFUSED',
      'api-route': '403',
      'signal-route': '401',
      'other-opencode-server': 'ECONNREFUSED',
      'host-not-allowed': '403',
    });
    expect(Number(o.processes), output).toBeLessThan(30);
    for (const secret of [B_CLAUDE_KEY, B_OPENCODE_KEY, SESSION_SECRET, OTHER_TASK_NOTE, 'SQLite format'])
      expect(output).not.toContain(secret);
    // Nothing landed outside the worktree on the host; the agent's own file did.
    expect(existsSync(join(dirname(w.task.worktreePath ?? ''), 'escaped.txt'))).toBe(false);
    expect(existsSync(join(w.ctx.home, 'planted'))).toBe(false);
    expect(existsSync('/usr/planted')).toBe(false);
    expect(await readFile(join(w.task.worktreePath ?? '', 'own-write.txt'), 'utf8')).toBe('ok\n');
  }, 150_000);
});
