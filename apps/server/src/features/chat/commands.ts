// Manual chats on a task (docs/behaviour/chat.md#manual-chats): start one with an explicit provider
// and model, send follow-ups, stop, answer the agent's questions — also after
// a restart, when the parked question is answered by resuming the session
// with a synthetic tool result.
import type { AnswerQuestionBody, ChatMessageBody, StartChatBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { ConversationRow, ProjectRow, TaskRow } from '../../db/schema';
import { AppError, notFound } from '../../errors';
import { validateEffort } from '../../harness/vocabulary';
import type { ProviderName } from '@bottega/protocol';
import { taskTurnSetup } from '../../engine/turn-setup';
import { keepChatImages, validateImages } from './images';
import type { PromptImage } from '../../harness/contract';
import { taskArchive } from '../../workspace/paths';
import { commandRoots, expandMessage } from './slash-commands';

type ChatDeps = Pick<Deps, 'harness' | 'turns' | 'config' | 'providers' | 'db'>;

/**
 * What the provider receives for a chat message: the text with a slash
 * command expanded (docs/behaviour/chat.md#slash-commands) and the images checked against the provider's
 * capability. Throws before anything is written.
 */
export async function prepareChatMessage(deps: ChatDeps, task: TaskRow, userId: number, provider: ProviderName, body: ChatMessageBody) {
  const images = validateImages(deps.providers.get(provider), provider, body.images);
  const { text } = await expandMessage(commandRoots(deps.config.home, userId, task.worktree_path), body.message);
  return { prompt: text, ...(images.length > 0 ? { images } : {}) };
}

/** Keeps the message's images for the transcript, just before the turn that sends them. */
async function withKeptImages<M extends { images?: PromptImage[] }>(deps: ChatDeps, project: ProjectRow, task: TaskRow, message: M) {
  if (!message.images) return message;
  const dir = taskArchive(deps.config.home, project.id, task.id).chatImagesDir;
  return { ...message, storedImages: await keepChatImages(dir, message.images) };
}

export async function startChat(
  deps: ChatDeps,
  project: ProjectRow,
  task: TaskRow,
  userId: number,
  body: StartChatBody,
): Promise<ConversationRow> {
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
    ...(await withKeptImages(deps, project, task, message)),
  });
}

export async function sendChatMessage(
  deps: ChatDeps,
  project: ProjectRow,
  task: TaskRow,
  conversation: ConversationRow,
  userId: number,
  body: ChatMessageBody,
): Promise<void> {
  if (!conversation.provider) throw new AppError('CONFLICT', 'this conversation has no provider recorded');
  const message = await prepareChatMessage(deps, task, userId, conversation.provider as ProviderName, body);
  if (await deps.turns.isLive(conversation.id))
    throw new AppError('RUN_IN_PROGRESS', 'the agent is still working on the previous message; wait or press Stop');
  const setup = await taskTurnSetup(deps, project, task, userId);
  await deps.harness.resume({ ...setup, conversation, ...(await withKeptImages(deps, project, task, message)) });
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
  // The question waits in the memory of the node running the turn, wherever that is (cluster/turn-controls.ts).
  const delivered = await deps.turns.answer(conversation.id, body.toolUseId, body.answers);
  if (delivered === 'answered') return 'answered';
  if (delivered === 'live') throw notFound('pending question');
  // After a restart the turn is gone but the question was recorded: resume with its answer.
  const parked = await deps.harness.pendingQuestion(conversation.id);
  if (parked?.toolUseId !== body.toolUseId) throw notFound('pending question');
  const setup = await taskTurnSetup(deps, project, task, userId);
  await deps.harness.resume({
    ...setup,
    conversation,
    prompt: null,
    toolResult: { toolUseId: body.toolUseId, content: formatAnswers(body.answers) },
  });
  return 'resumed';
}
