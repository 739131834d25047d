// A complete little world for route-level suites (authorization, bad input):
// users in every role, a project, a task with a conversation, a run and an
// input file, plus a valid sample request for every body-accepting route (and
// the query string of routes that search, and the setup a route's answer needs).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keepChatImages } from '../features/chat/images';
import type { RouteDef } from '../http/routes';
import { taskArchive } from '../workspace/paths';
import { TEST_PASSWORD, type TestContext, type TestUser } from './context';
import { initRepo } from './git';

/** Tool-use id of the parked AskUserQuestion in every world's conversation. */
export const WORLD_QUESTION_ID = 'toolu_world_question';

export interface World {
  admin: TestUser;
  member: TestUser;
  member2: TestUser;
  outsider: TestUser;
  target: TestUser;
  projectId: number;
  projectName: string;
  taskId: number;
  taskTitle: string;
  conversationId: number;
  runId: number;
  /** The name of an image kept from one of the task's chats. */
  chatImage: string;
}

export type Sample = (ctx: TestContext, w: World, as: TestUser | null) => Promise<SampleRequest> | SampleRequest;

export interface SampleRequest {
  json?: unknown;
  form?: FormData;
  /** Appended to the path as its query string. */
  query?: Record<string, string>;
}

/** A valid request for every body-accepting route. Keyed by "METHOD path". */
export const samples: Record<string, Sample> = {
  'POST /api/auth/register': () => ({ json: { username: 'newcomer', password: TEST_PASSWORD } }),
  'POST /api/auth/login': (_c, w) => ({ json: { username: w.member.row.username, password: TEST_PASSWORD } }),
  'POST /api/auth/password': () => ({ json: { currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-password' } }),
  'PATCH /api/auth/profile': () => ({ json: { isTechnical: false, gitName: 'Ada', gitEmail: 'ada@example.com' } }),
  'POST /api/admin/users': () => ({ json: { username: `made-${Math.random().toString(36).slice(2, 8)}`, password: TEST_PASSWORD } }),
  'PATCH /api/admin/users/:userId': () => ({ json: { isActive: false } }),
  'POST /api/admin/users/:userId/password': () => ({ json: { password: 'reset-password-1' } }),
  'POST /api/projects/:projectId/members': (_c, w) => ({ json: { userId: w.target.row.id } }),
  'PATCH /api/admin/settings': () => ({ json: { triggerHandle: 'helper-bot' } }),
  // Administrators register a checkout; everyone else clones by URL (here one nothing answers, so the clone fails fast).
  'POST /api/projects': async (ctx, _w, as) =>
    as?.row.is_admin
      ? { json: { name: 'Fresh', repoPath: await initRepo(join(ctx.home, 'repos', `fresh-${Math.random().toString(36).slice(2)}`)) } }
      : { json: { name: 'Fresh', repoUrl: 'http://127.0.0.1:9/acme/fresh.git' } },
  'PATCH /api/projects/:projectId/members/:userId': () => ({ json: { role: 'owner' } }),
  'PATCH /api/projects/:projectId': () => ({ json: { name: 'Renamed' } }),
  'POST /api/projects/:projectId/tasks': () => ({ json: { title: 'Another task', description: 'Do it' } }),
  'PATCH /api/tasks/:taskId': () => ({ json: { status: 'in_review' } }),
  'PUT /api/tasks/:taskId/document': () => ({ json: { content: '# New content' } }),
  'POST /api/tasks/:taskId/conversations': () => ({ json: { provider: 'anthropic', model: 'claude-sonnet-4-5', message: 'Hello' } }),
  'POST /api/conversations/:conversationId/messages': () => ({ json: { message: 'And then?' } }),
  'POST /api/conversations/:conversationId/answer': () => ({
    json: { toolUseId: WORLD_QUESTION_ID, answers: { 'Which colour?': 'Blue' } },
  }),
  'PUT /api/providers/anthropic': () => ({ json: { apiKey: 'sk-ant-test-key-0123456789', baseUrl: 'http://127.0.0.1:9' } }),
  'POST /api/providers/anthropic/setup-token/complete': () => ({ json: { code: 'good-code' } }),
  'PUT /api/providers/openai': () => ({ json: { apiKey: 'sk-openai-test-key-0123', baseUrl: 'http://127.0.0.1:9/v1' } }),
  'PUT /api/providers/opencode': () => ({
    json: { custom: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-opencode-test-0123', models: ['fake-model'] } },
  }),
  'PUT /api/agent-settings': () => {
    const m = { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'medium' };
    return { json: { settings: { planification: m, implementation: m, review: m, refinement: m, pr: m, yolo: m } } };
  },
  'POST /api/tasks/:taskId/agent-runs': () => ({ json: { agentType: 'implementation' } }),
  'POST /api/signals': () => ({ json: { signal: 'workflow-complete' } }),
  'PUT /api/prompts/:name': () => ({ json: { content: 'Refine {{taskTitle}} carefully.', expectedMtime: null } }),
  'PATCH /api/conversations/:conversationId': () => ({ json: { title: 'A better title' } }),
  'PUT /api/admin/prices': () => ({
    json: {
      provider: 'anthropic',
      model: 'claude-test-model',
      inputPerMTok: 1,
      outputPerMTok: 2,
      cacheReadPerMTok: 0.1,
      cacheWritePerMTok: 1.25,
    },
  }),
  'DELETE /api/admin/prices': () => ({ json: { provider: 'anthropic', model: 'claude-test-model' } }),
  // Searches for the world's task by its title: every role gets a 200, only those who may see it get the task.
  'GET /api/search/tasks': (_c, w) => ({ query: { q: w.taskTitle, limit: '5' } }),
  'PUT /api/projects/:projectId/allowed-hosts': () => ({ json: { hosts: ['registry.npmjs.org', '*.pypi.org'] } }),
  'PUT /api/projects/:projectId/pr-settings': () => ({ json: { updateStrategy: 'merge', maxCiRounds: 5 } }),
  'PUT /api/projects/:projectId/wip-limits': () => ({ json: { pending: 8, in_progress: 3, in_review: 2 } }),
  'PUT /api/admin/capacity': () => ({ json: { perUserLimit: 3 } }),
  // A node is ready once its row is registered (the CLI does it after listening; a test world does it here).
  'GET /api/health/ready': async (ctx) => {
    const { deps } = ctx;
    const row = await deps.db.selectFrom('cluster_nodes').select('id').where('id', '=', deps.node.id).executeTakeFirst();
    if (!row) await deps.nodes.start(null);
    return {};
  },
  'POST /api/tasks/:taskId/tmp-files': () => {
    const form = new FormData();
    form.append('file', new File(['scratch'], 'scratch.txt'));
    return { form };
  },
  'POST /api/tasks/:taskId/files': () => {
    const form = new FormData();
    form.append('file', new File(['hello'], 'hello.txt'));
    return { form };
  },
};

export async function buildWorld(ctx: TestContext): Promise<World> {
  const [admin, member, member2, outsider, target] = await Promise.all([
    ctx.user({ isAdmin: true }),
    ctx.user(),
    ctx.user(),
    ctx.user(),
    ctx.user(),
  ]);
  const project = await ctx.project({ members: [member, member2] });
  const task = await ctx.task(project, member);
  const conversation = await ctx.conversation(task, {
    provider_session_id: 'session-world',
    pending_question: JSON.stringify({
      toolUseId: WORLD_QUESTION_ID,
      questions: [{ question: 'Which colour?', header: 'Colour', options: [{ label: 'Blue', description: '' }], multiSelect: false }],
    }),
  });
  // A question the agent asked before a restart, still waiting for its answer.
  await ctx.deps.harness.store.append(
    conversation.id,
    [
      {
        type: 'tool_use',
        toolUseId: WORLD_QUESTION_ID,
        name: 'AskUserQuestion',
        input: {},
        question: [{ question: 'Which colour?', header: 'Colour', options: [{ label: 'Blue', description: '' }], multiSelect: false }],
        id: WORLD_QUESTION_ID,
        providerSessionId: 'session-world',
        raw: null,
      },
    ],
    'anthropic',
  );
  const run = await ctx.run(task, conversation);
  const dir = taskArchive(ctx.home, project.id, task.id).inputFilesDir;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'notes.txt'), 'secret notes');
  // A 1×1 PNG sent in one of the task's chats.
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const [chatImage] = await keepChatImages(taskArchive(ctx.home, project.id, task.id).chatImagesDir, [
    { mediaType: 'image/png', data: png },
  ]);
  return {
    admin,
    member,
    member2,
    outsider,
    target,
    projectId: project.id,
    projectName: project.name,
    taskId: task.id,
    taskTitle: task.title,
    conversationId: conversation.id,
    runId: run.id,
    chatImage: chatImage!.name,
  };
}

export function fillPath(route: RouteDef, w: World): string {
  return route.path
    .replace(':projectId', String(w.projectId))
    .replace(':taskId', String(w.taskId))
    .replace(':conversationId', String(w.conversationId))
    .replace(':runId', String(w.runId))
    .replace(':userId', String(route.path.includes('/members/') ? w.member2.row.id : w.target.row.id))
    .replace(
      ':name',
      route.path.startsWith('/api/prompts/') ? 'refinement' : route.path.includes('/chat-images/') ? w.chatImage : 'notes.txt',
    );
}

export const routeKey = (r: RouteDef): string => `${r.method} ${r.path}`;
