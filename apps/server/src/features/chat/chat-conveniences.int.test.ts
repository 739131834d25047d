// Chat conveniences through the whole product with the real Claude Code CLI
// against the fake Anthropic API: a slash command expanded before the model
// sees it, an image that reaches the model as an image block and stays in the
// transcript (served to project members only), images refused
// for a provider without the capability, and attachments to the worktree's
// tmp/ and the task's input_files/ (hostile ones refused, accepted ones named
// in the context prompt).
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationDto, SlashCommandDto } from '@bottega/protocol';
import { directive, type RecordedRequest } from '@bottega/testkit';
import { EventRecorder, startChatWorld, type ChatWorld } from '../../testing/chat-world';
import { taskArchive } from '../../workspace/paths';
import { userCommandsDir } from './slash-commands';

/** A real 1×1 PNG. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let w: ChatWorld;
let rec: EventRecorder;
let worktree: string;
beforeAll(async () => {
  w = await startChatWorld();
  worktree = w.task.worktreePath ?? '';
  rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
});
afterAll(async () => {
  rec.close();
  await w.close();
});

interface Body {
  system?: unknown;
  tools?: unknown[];
  messages: { role: string; content: string | { type: string; text?: string; source?: unknown }[] }[];
}

/** The first agent request (one offering tools: not a side request such as a title) after `before` model requests. */
function agentRequestAfter(before: number): RecordedRequest | undefined {
  return w.fake
    .modelRequests()
    .slice(before)
    .find((r) => ((r.body as Body).tools ?? []).length > 0);
}

/** The user message of the first agent request made after `before` model requests. */
function firstUserContent(before: number): Body['messages'][number]['content'] {
  const body = agentRequestAfter(before)?.body as Body | undefined;
  const users = body?.messages.filter((m) => m.role === 'user') ?? [];
  const last = users.at(-1);
  if (!last) throw new Error('no model request with a user message');
  return last.content;
}

const textOf = (content: Body['messages'][number]['content']) =>
  typeof content === 'string' ? content : content.flatMap((b) => (b.type === 'text' && b.text ? [b.text] : [])).join('\n');

async function startChat(json: Record<string, unknown>) {
  return w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
    as: w.owner,
    json: { provider: 'anthropic', model: 'claude-sonnet-4-5', ...json },
  });
}

async function upload(path: string, files: { name: string; data: string | Uint8Array }[]) {
  const form = new FormData();
  for (const f of files) form.append('file', new File([f.data], f.name));
  return w.ctx.request('POST', `/api/tasks/${w.task.id}${path}`, { as: w.owner, body: form });
}

const listing = async (dir: string) => readdir(dir).catch(() => [] as string[]);

describe('slash commands', () => {
  let conversation: ConversationDto;

  it('lists project and user commands with descriptions, project first on a shared name', async () => {
    await mkdir(join(worktree, '.claude', 'commands'), { recursive: true });
    await writeFile(
      join(worktree, '.claude', 'commands', 'fix-bug.md'),
      `---\ndescription: Fix a numbered bug\n---\nFix bug #$1 with priority $2 (all: $ARGUMENTS). ${directive.say('bug fixed')}\n`,
    );
    await writeFile(join(worktree, '.claude', 'commands', 'review.md'), `Project review. ${directive.say('project review done')}\n`);
    const userDir = userCommandsDir(w.ctx.home, w.owner.row.id);
    await mkdir(userDir, { recursive: true });
    await writeFile(join(userDir, 'review.md'), 'User review, shadowed by the project one.\n');
    await writeFile(join(userDir, 'standup.md'), `# Write my standup\nStandup for $1. ${directive.say('standup written')}\n`);
    const res = await w.ctx.request('GET', `/api/tasks/${w.task.id}/commands`, { as: w.owner });
    expect(res.status).toBe(200);
    const { commands } = (await res.json()) as { commands: SlashCommandDto[] };
    expect(commands).toEqual([
      { name: 'fix-bug', description: 'Fix a numbered bug', source: 'project' },
      { name: 'review', description: `Project review. ${directive.say('project review done')}`, source: 'project' },
      { name: 'standup', description: 'Write my standup', source: 'user' },
    ]);
  });

  it('expands /fix-bug 42 urgent when a chat starts: the model receives the expansion', async () => {
    const before = w.fake.modelRequests().length;
    const res = await startChat({ message: '/fix-bug 42 urgent' });
    expect(res.status).toBe(201);
    conversation = ((await res.json()) as { conversation: ConversationDto }).conversation;
    await rec.turnEnded(conversation.id);
    const text = textOf(firstUserContent(before));
    expect(text).toContain('Fix bug #42 with priority urgent (all: 42 urgent).');
    expect(text).not.toContain('/fix-bug');
  });

  it('expands a follow-up with a user command; an unknown /word is sent as it was typed', async () => {
    const before = w.fake.modelRequests().length;
    const res = await w.ctx.request('POST', `/api/conversations/${conversation.id}/messages`, {
      as: w.owner,
      json: { message: '/standup Monday' },
    });
    expect(res.status).toBe(202);
    await rec.turnEnded(conversation.id, 2);
    expect(textOf(firstUserContent(before))).toContain('Standup for Monday.');

    const next = w.fake.modelRequests().length;
    const plain = `/no-such-command stays as typed ${directive.say('plain')}`;
    expect(
      (await w.ctx.request('POST', `/api/conversations/${conversation.id}/messages`, { as: w.owner, json: { message: plain } })).status,
    ).toBe(202);
    await rec.turnEnded(conversation.id, 3);
    expect(textOf(firstUserContent(next))).toContain('/no-such-command stays as typed');
  });
});

describe('images', () => {
  it('reaches the model as an image block next to the text', async () => {
    const before = w.fake.modelRequests().length;
    const res = await startChat({
      message: `What is in the picture? ${directive.say('a dot')}`,
      images: [{ mediaType: 'image/png', data: PNG_1X1 }],
    });
    expect(res.status).toBe(201);
    const conv = ((await res.json()) as { conversation: ConversationDto }).conversation;
    await rec.turnEnded(conv.id);
    const content = firstUserContent(before);
    if (typeof content === 'string') throw new Error('expected content blocks');
    expect(content.find((b) => b.type === 'image')).toEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: PNG_1X1 },
    });
    expect(textOf(content)).toContain('What is in the picture?');

    // A follow-up resumes the session with its image too.
    const next = w.fake.modelRequests().length;
    const follow = await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
      as: w.owner,
      json: { message: `And this one? ${directive.say('another dot')}`, images: [{ mediaType: 'image/png', data: PNG_1X1 }] },
    });
    expect(follow.status).toBe(202);
    await rec.turnEnded(conv.id, 2);
    const again = firstUserContent(next);
    if (typeof again === 'string') throw new Error('expected content blocks');
    expect(again.filter((b) => b.type === 'image')).toHaveLength(1);
    expect(textOf(again)).toContain('And this one?');
    const stored = await w.ctx.deps.harness.store.all(conv.id);
    expect(stored.filter((m) => m.type === 'assistant').map((m) => m.type === 'assistant' && m.text)).toEqual(['a dot', 'another dot']);

    // The transcript keeps each message's images (by content, once), served to members of the project only.
    const sent = stored.flatMap((m) => (m.type === 'user' ? [m.images] : []));
    expect(sent).toHaveLength(2);
    const image = sent[0]?.[0];
    expect(image).toEqual({ name: expect.stringMatching(/^[0-9a-f]{64}\.png$/) as unknown, mediaType: 'image/png' });
    expect(sent[1]).toEqual(sent[0]);
    const url = `/api/tasks/${w.task.id}/chat-images/${image?.name ?? ''}`;
    const served = await w.ctx.request('GET', url, { as: w.owner });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).toString('base64')).toBe(PNG_1X1);
    const stranger = await w.ctx.user();
    expect((await w.ctx.request('GET', url, { as: stranger })).status).toBe(404);
    for (const name of ['..%2F..%2Ftask-1.md', `${'0'.repeat(64)}.png`, 'input.png'])
      expect((await w.ctx.request('GET', `/api/tasks/${w.task.id}/chat-images/${name}`, { as: w.owner })).status).toBe(404);
  });

  it('refuses images for a provider without the capability, before anything is written', async () => {
    expect(w.ctx.deps.providers.get('openai').capabilities.supportsImages).toBe(false);
    const conversationsBefore = await w.ctx.deps.db.selectFrom('conversations').select('id').execute();
    const requestsBefore = w.fake.modelRequests().length;
    const start = await startChat({
      provider: 'openai',
      model: 'gpt-5-codex',
      message: 'look',
      images: [{ mediaType: 'image/png', data: PNG_1X1 }],
    });
    expect(start.status).toBe(400);
    expect(((await start.json()) as { error: { message: string } }).error.message).toContain('openai does not accept images');
    expect(await w.ctx.deps.db.selectFrom('conversations').select('id').execute()).toEqual(conversationsBefore);

    const taskRow = await w.ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', w.task.id).executeTakeFirstOrThrow();
    const codexChat = await w.ctx.conversation(taskRow, {
      kind: 'chat',
      provider: 'openai',
      model: 'gpt-5-codex',
      provider_session_id: 'thread-1',
    });
    const follow = await w.ctx.request('POST', `/api/conversations/${codexChat.id}/messages`, {
      as: w.owner,
      json: { message: 'look', images: [{ mediaType: 'image/png', data: PNG_1X1 }] },
    });
    expect(follow.status).toBe(400);
    expect(await w.ctx.deps.harness.store.all(codexChat.id)).toEqual([]);
    expect(agentRequestAfter(requestsBefore)).toBeUndefined();
  });

  it('refuses bytes that are not the declared image type', async () => {
    const res = await startChat({
      message: 'look',
      images: [{ mediaType: 'image/png', data: Buffer.from('GIF89a-not-a-png').toString('base64') }],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('declared as image/png but is image/gif');
  });
});

describe('attachments', () => {
  const tmp = () => join(worktree, 'tmp');

  it('refuses hostile names, traversal and oversized files on both targets, writing nothing', async () => {
    const inputDir = taskArchive(w.ctx.home, w.projectId, w.task.id).inputFilesDir;
    const hostile = ['../../escape.txt', '..', 'a/b.txt', '..\\evil.txt', '/etc/passwd', 'nul\u0000.txt', ''];
    for (const path of ['/tmp-files', '/files']) {
      for (const name of hostile) {
        const res = await upload(path, [{ name, data: 'payload' }]);
        expect(res.status, `${path} ${JSON.stringify(name)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
      const mixed = await upload(path, [
        { name: 'fine.txt', data: 'fine' },
        { name: '../bad.txt', data: 'bad' },
      ]);
      expect(mixed.status).toBe(400);
      const big = await upload(path, [{ name: 'big.bin', data: new Uint8Array(2 * 1024 * 1024) }]);
      expect(big.status).toBe(413);
    }
    expect(await listing(tmp())).toEqual([]);
    expect(await listing(inputDir)).toEqual([]);
    expect(await listing(join(worktree, '..'))).not.toContain('escape.txt');
  });

  it('refuses to write through a tmp/ that is a symlink out of the worktree', async () => {
    const outside = join(w.ctx.home, 'outside');
    await mkdir(outside, { recursive: true });
    await symlink(outside, tmp());
    const res = await upload('/tmp-files', [{ name: 'x.txt', data: 'x' }]);
    expect(res.status).toBe(400);
    expect(await listing(outside)).toEqual([]);
    await rm(tmp());
  });

  it('stores accepted files where the context prompt of the next turn says they are', async () => {
    const res = await upload('/tmp-files', [{ name: 'build log (1).txt', data: 'error: boom' }]);
    expect(res.status).toBe(201);
    const { files } = (await res.json()) as { files: { name: string; path: string }[] };
    expect(files).toMatchObject([{ name: 'build log (1).txt', path: 'tmp/build log (1).txt' }]);
    const tmpPath = join(tmp(), 'build log (1).txt');
    expect(await readFile(tmpPath, 'utf8')).toBe('error: boom');

    const input = await upload('/files', [{ name: 'spec.md', data: '# Spec' }]);
    expect(input.status).toBe(201);
    const inputPath = join(taskArchive(w.ctx.home, w.projectId, w.task.id).inputFilesDir, 'spec.md');
    expect(await readFile(inputPath, 'utf8')).toBe('# Spec');

    const before = w.fake.modelRequests().length;
    const conv = ((await (await startChat({ message: directive.say('read them') })).json()) as { conversation: ConversationDto })
      .conversation;
    await rec.turnEnded(conv.id);
    const system = JSON.stringify((agentRequestAfter(before)?.body as Body).system);
    expect(system).toContain(tmpPath);
    expect(system).toContain(inputPath);
  });
});
