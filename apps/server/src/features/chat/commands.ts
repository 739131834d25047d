// Manual chats on a task (SPEC §5, §10): start one with an explicit provider
// and model, send follow-ups, stop, answer the agent's questions — also after
// a restart, when the parked question is answered by resuming the session
// with a synthetic tool result.
import type { AnswerQuestionBody, ChatMessageBody, StartChatBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { ConversationRow, ProjectRow, TaskRow } from '../../db/schema';
import { AppError, notFound } from '../../errors';
import { validateEffort } from '../../harness/vocabulary';
import type { TurnSetup } from '../../harness/runtime';
import { buildContextPrompt } from '../../workspace/context-prompt';
import { effectiveCwd } from '../../workspace/cwd';
import { listInputFiles } from '../../workspace/input-files';
import { devServerPort, taskArchive } from '../../workspace/paths';
import { join } from 'node:path';
import type { ProviderName } from '@bottega/protocol';
import { isInside } from '../../sandbox/bwrap-args';
import { taskConfinement } from '../../sandbox/confinement';
import { allowedHostsOf } from '../sandbox/allowed-hosts';
import { listTmpFiles } from './attachments';
import { validateImages } from './images';
import { commandRoots, expandMessage } from './slash-commands';

type ChatDeps = Pick<Deps, 'harness' | 'config' | 'providers' | 'db'>;

/** Where and how any turn on this task runs (chats and agent runs): its worktree, its context prompt, no permission prompts. */
export async function taskTurnSetup(deps: Pick<Deps, 'config' | 'db'>, project: ProjectRow, task: TaskRow, userId: number): Promise<TurnSetup> {
  if (task.workspace_status === 'preparing') throw new AppError('CONFLICT', "the task's worktree is still being prepared; try again in a moment");
  if (task.workspace_status === 'failed') throw new AppError('CONFLICT', `the task's worktree could not be prepared: ${task.workspace_error ?? 'unknown error'}`);
  const cwd = await effectiveCwd({ repoPath: project.repo_path, subprojectPath: project.subproject_path, worktreePath: task.worktree_path });
  const archive = taskArchive(deps.config.home, project.id, task.id);
  const inputFiles = (await listInputFiles(archive.inputFilesDir)).map((f) => join(archive.inputFilesDir, f.name));
  const tmpFiles = await listTmpFiles(task.worktree_path);
  const context = buildContextPrompt({ taskId: task.id, documentPath: archive.documentPath, inputFiles, tmpFiles, devServerPort: devServerPort(task.id), cwd });
  // The agent works in its worktree, or in the repository itself when the worktree is gone.
  const root = task.worktree_path && isInside(task.worktree_path, cwd) ? task.worktree_path : project.repo_path;
  const confinement = await taskConfinement({ worktreePath: root, cwd, archiveDir: archive.taskDir, hosts: await allowedHostsOf(deps.db, project.id) });
  return {
    taskId: task.id,
    projectId: project.id,
    userId,
    cwd,
    confinement,
    systemPrompt: { mode: 'append', text: context },
    permissionMode: 'bypass',
    disallowedTools: [],
  };
}

/**
 * What the provider receives for a chat message: the text with a slash
 * command expanded (SPEC §13) and the images checked against the provider's
 * capability. Throws before anything is written.
 */
export async function prepareChatMessage(deps: ChatDeps, task: TaskRow, userId: number, provider: ProviderName, body: ChatMessageBody) {
  const images = validateImages(deps.providers.get(provider), provider, body.images);
  const { text } = await expandMessage(commandRoots(deps.config.home, userId, task.worktree_path), body.message);
  return { prompt: text, ...(images.length > 0 ? { images } : {}) };
}

export async function startChat(deps: ChatDeps, project: ProjectRow, task: TaskRow, userId: number, body: StartChatBody): Promise<ConversationRow> {
  const effort = validateEffort(body.provider, body.effort);
  const message = await prepareChatMessage(deps, task, userId, body.provider, body);
  const setup = await taskTurnSetup(deps, project, task, userId);
  return deps.harness.start({
    ...setup,
    kind: 'chat',
    provider: body.provider,
    model: body.model,
    effort,
    title: null,
    ...message,
  });
}

export async function sendChatMessage(deps: ChatDeps, project: ProjectRow, task: TaskRow, conversation: ConversationRow, userId: number, body: ChatMessageBody): Promise<void> {
  if (!conversation.provider) throw new AppError('CONFLICT', 'this conversation has no provider recorded');
  const message = await prepareChatMessage(deps, task, userId, conversation.provider as ProviderName, body);
  if (deps.harness.isLive(conversation.id)) throw new AppError('RUN_IN_PROGRESS', 'the agent is still working on the previous message; wait or press Stop');
  const setup = await taskTurnSetup(deps, project, task, userId);
  await deps.harness.resume({ ...setup, conversation, ...message });
}

export function formatAnswers(answers: AnswerQuestionBody['answers']): string {
  const lines = Object.entries(answers).map(([q, a]) => `"${q}" = "${a}"`);
  return `The user answered: ${lines.join(', ')}. Continue with these answers in mind.`;
}

export async function answerQuestion(
  deps: ChatDeps,
  project: ProjectRow,
  task: TaskRow,
  conversation: ConversationRow,
  userId: number,
  body: AnswerQuestionBody,
): Promise<'answered' | 'resumed'> {
  if (deps.harness.answer(conversation.id, body.toolUseId, body.answers)) return 'answered';
  if (deps.harness.isLive(conversation.id)) throw notFound('pending question');
  // After a restart the turn is gone but the question was recorded: resume with its answer.
  const parked = await deps.harness.pendingQuestion(conversation.id);
  if (parked?.toolUseId !== body.toolUseId) throw notFound('pending question');
  const setup = await taskTurnSetup(deps, project, task, userId);
  await deps.harness.resume({ ...setup, conversation, prompt: null, toolResult: { toolUseId: body.toolUseId, content: formatAnswers(body.answers) } });
  return 'resumed';
}
