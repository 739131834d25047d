// Chat routes: start a conversation on a task, follow up, stop, answer the
// agent's question, read what is live; the slash commands the input offers
// and attachments to the worktree's `tmp/`. History is read through the
// conversation's messages route.
import {
  AnswerQuestionBody,
  ChatMessageBody,
  RenameConversationBody,
  StartChatBody,
  TranscriptQuery,
  type ConversationLiveDto,
  type SlashCommandDto,
  type TranscriptPageDto,
} from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readJson, readQuery } from '../../http/validate';
import { presentConversation } from '../runs/presenters';
import { readUploads } from '../../http/uploads';
import { modelRates, withTurnCost } from '../../harness/usage-record';
import { writeTmpFiles } from './attachments';
import { answerQuestion, sendChatMessage, startChat } from './commands';
import { renameConversation } from './rename';
import { commandRoots, listCommands } from './slash-commands';
import { readChatImage } from './images';
import { taskArchive } from '../../workspace/paths';
import { notFound } from '../../errors';

export function chatRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/tasks/:taskId/commands',
      access: access.task,
      handler: async (c) => {
        const commands = await listCommands(commandRoots(deps.config.home, c.get('user').id, c.get('task').worktree_path));
        return c.json({
          commands: commands.map(({ name, description, source }) => ({ name, description, source }) satisfies SlashCommandDto),
        });
      },
    },
    {
      method: 'POST',
      path: '/api/tasks/:taskId/tmp-files',
      access: access.task,
      body: 'multipart',
      handler: async (c) => {
        const files = await readUploads(c, deps.config.maxUploadBytes);
        const written = await writeTmpFiles(c.get('project').repo_path, c.get('task'), files);
        return c.json({ files: written.map((f) => ({ ...f, path: `tmp/${f.name}` })) }, 201);
      },
    },
    {
      method: 'POST',
      path: '/api/tasks/:taskId/conversations',
      access: access.task,
      body: 'json',
      bodyClass: 'chat',
      handler: async (c) => {
        const body = await readJson(c, StartChatBody);
        const conversation = await startChat(deps, c.get('project'), c.get('task'), c.get('user').id, body);
        return c.json({ conversation: presentConversation(conversation) }, 201);
      },
    },
    {
      method: 'POST',
      path: '/api/conversations/:conversationId/messages',
      access: access.conversation,
      body: 'json',
      bodyClass: 'chat',
      handler: async (c) => {
        const body = await readJson(c, ChatMessageBody);
        await sendChatMessage(deps, c.get('project'), c.get('task'), c.get('conversation'), c.get('user').id, body);
        return c.json({ ok: true }, 202);
      },
    },
    {
      method: 'PATCH',
      path: '/api/conversations/:conversationId',
      access: access.conversation,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, RenameConversationBody);
        return c.json({
          conversation: presentConversation(await renameConversation(deps, c.get('project'), c.get('conversation'), body.title)),
        });
      },
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId/chat-images/:name',
      access: access.task,
      handler: async (c) => {
        // Only names the server gave (content hashes) are looked up, confined to the task's folder.
        const image = await readChatImage(
          taskArchive(deps.config.home, c.get('project').id, c.get('task').id).chatImagesDir,
          c.req.param('name') ?? '',
        );
        if (!image) throw notFound('image');
        c.header('content-type', image.mediaType);
        c.header('x-content-type-options', 'nosniff');
        c.header('cache-control', 'private, max-age=31536000, immutable');
        return c.body(new Uint8Array(image.data));
      },
    },
    {
      method: 'POST',
      path: '/api/conversations/:conversationId/stop',
      access: access.conversation,
      // On whichever node runs the turn (cluster/turn-controls.ts).
      handler: async (c) => c.json({ stopped: await deps.turns.stop(c.get('conversation').id, c.get('user').username) }),
    },
    {
      method: 'POST',
      path: '/api/conversations/:conversationId/answer',
      access: access.conversation,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, AnswerQuestionBody);
        const outcome = await answerQuestion(deps, c.get('project'), c.get('task'), c.get('conversation'), c.get('user').id, body);
        return c.json({ outcome });
      },
    },
    {
      method: 'GET',
      path: '/api/conversations/:conversationId/live',
      access: access.conversation,
      handler: async (c) => c.json((await deps.turns.liveState(c.get('conversation').id)) satisfies ConversationLiveDto),
    },
    {
      method: 'GET',
      path: '/api/conversations/:conversationId/messages',
      access: access.conversation,
      handler: async (c) => {
        const q = readQuery(c, TranscriptQuery);
        const tail = q.tail === 'true' && q.afterSeq === undefined && q.beforeSeq === undefined;
        const page = await deps.harness.store.page(c.get('conversation').id, {
          limit: q.limit,
          ...(q.afterSeq !== undefined ? { afterSeq: q.afterSeq } : {}),
          ...(q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : tail ? { beforeSeq: Number.MAX_SAFE_INTEGER } : {}),
        });
        // Each turn's cost by the one cost rule, priced as the Usage panel prices it.
        const conversation = c.get('conversation');
        const rates = page.messages.some((m) => m.type === 'result')
          ? await modelRates(deps.db, conversation.provider, conversation.model ?? 'unknown')
          : null;
        return c.json({ ...page, messages: page.messages.map((m) => withTurnCost(m, rates)) } satisfies TranscriptPageDto);
      },
    },
  ];
}
