// The chat screen (docs/behaviour/web-app.md#chat-screen): one streaming conversation — manual chat or an
// agent run — with its transcript, the AskUserQuestion wizard, Stop, the
// follow-up box and the context meter. A missing conversation sends the user
// to its task, a missing task to the board.
import { useLayoutEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AnswerQuestionBody, ConversationLiveDto } from '@bottega/protocol';
import { api, isApiError } from '../../lib/api';
import { keys } from '../../lib/keys';
import { useTaskSubscriptions } from '../../lib/live';
import { paths, useIdParam, useRedirectWhenMissing } from '../../lib/routing';
import { EmptyState, ErrorState, LoadingState } from '../../ui';
import { useConversation, useConversationLive, useConversationRun, useOlderPages, useTask, useTranscript } from './chat-data';
import { ChatHeader } from './chat-header';
import { Composer } from './composer';
import { QuestionWizard } from './question-wizard';
import { pendingQuestionOf } from './rows';
import { TranscriptView } from './transcript-view';
import { RunWaitNotice, TurnQueueNotice, useTurnQueue } from './turn-queue';

/** Sizes the screen to the viewport below wherever it starts, so only the transcript scrolls. */
function useFillViewport() {
  // A callback ref: the element appears only once the conversation has loaded.
  const [el, ref] = useState<HTMLDivElement | null>(null);
  const [height, setHeight] = useState<number | null>(null);
  useLayoutEffect(() => {
    if (!el) return;
    const fit = () => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      setHeight(Math.max(320, window.innerHeight - top - 24));
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [el]);
  return { ref, height };
}

export function Component() {
  const projectId = useIdParam('projectId');
  const taskId = useIdParam('taskId');
  const conversationId = useIdParam('conversationId');
  const qc = useQueryClient();
  useTaskSubscriptions(taskId === null ? [] : [taskId]);

  const task = useTask(taskId);
  const conversation = useConversation(conversationId);
  const live = useConversationLive(conversationId);
  const transcript = useTranscript(conversationId);
  const older = useOlderPages(conversationId);
  const { ref, height } = useFillViewport();
  const turnQueue = useTurnQueue(conversationId ?? 0);
  const run = useConversationRun(taskId, conversationId, conversation.data?.kind === 'agent_run');

  const boardHref = projectId === null ? paths.dashboard() : paths.board(projectId);
  const taskHref = projectId !== null && taskId !== null ? paths.task(projectId, taskId) : boardHref;
  useRedirectWhenMissing(projectId === null ? null : taskId, task.error, boardHref);
  const foreign = conversation.data !== undefined && conversation.data.taskId !== taskId;
  useRedirectWhenMissing(foreign ? null : conversationId, task.error ? null : conversation.error, taskHref);

  const setLive = (patch: Partial<ConversationLiveDto>) => {
    if (conversationId !== null)
      qc.setQueryData<ConversationLiveDto>(keys.conversationLive(conversationId), (l) => (l ? { ...l, ...patch } : l));
  };
  // Stop and answer are offered only on a conversation the page shows.
  const shownId = () => {
    if (conversationId === null) throw new Error('no conversation is shown');
    return conversationId;
  };
  const stop = useMutation({
    mutationFn: () => api.post('/api/conversations/:conversationId/stop', { params: { conversationId: shownId() } }),
    onSuccess: (r) => {
      if (!r.stopped) setLive({ streaming: false });
    },
  });
  const [answered, setAnswered] = useState<string | null>(null);
  const answer = useMutation({
    mutationFn: (body: AnswerQuestionBody) =>
      api.post('/api/conversations/:conversationId/answer', { params: { conversationId: shownId() }, body }),
    onSuccess: (_r, body) => setAnswered(body.toolUseId),
  });

  if (task.isError && !isApiError(task.error, 'NOT_FOUND') && !isApiError(task.error, 'FORBIDDEN'))
    return <ErrorState error={task.error} retry={() => void task.refetch()} />;
  if (conversation.isError && !isApiError(conversation.error, 'NOT_FOUND') && !isApiError(conversation.error, 'FORBIDDEN'))
    return <ErrorState error={conversation.error} retry={() => void conversation.refetch()} />;
  if (!conversation.data || foreign || conversationId === null) return <LoadingState label="Loading conversation…" />;

  // A turn waiting for a slot counts as live (the header cancels it) but nothing streams yet; the
  // server's live state says `streaming: false` with its `queue` meanwhile.
  const streaming = (live.data?.streaming ?? false) || turnQueue !== null;
  const question = transcript.data ? (live.data?.question ?? pendingQuestionOf(transcript.data)) : (live.data?.question ?? null);
  const showQuestion = question && question.toolUseId !== answered ? question : null;

  return (
    <div ref={ref} className="-mx-1 flex flex-col gap-2 sm:mx-0" style={height === null ? undefined : { height }} data-testid="chat-screen">
      <ChatHeader
        conversation={conversation.data}
        task={task.data}
        taskHref={taskHref}
        streaming={streaming}
        waiting={turnQueue !== null}
        onStop={() => stop.mutate()}
        stopping={stop.isPending}
        stopError={stop.error}
      />
      {transcript.isPending ? (
        <LoadingState label="Loading messages…" />
      ) : transcript.isError && !transcript.data ? (
        <ErrorState error={transcript.error} retry={() => void transcript.refetch()} />
      ) : transcript.data.messages.length === 0 && transcript.data.drafts.length === 0 ? (
        <div className="flex-1">
          <EmptyState title={turnQueue ? 'Waiting for a free agent slot' : streaming ? 'The agent is starting…' : 'No messages yet'}>
            {streaming || turnQueue ? 'Its messages appear here as they stream in.' : 'Send a message to begin.'}
          </EmptyState>
        </div>
      ) : (
        <TranscriptView
          transcript={transcript.data}
          streaming={streaming && !turnQueue}
          older={older}
          taskId={conversation.data.taskId}
          agentRun={conversation.data.kind === 'agent_run'}
        />
      )}
      {showQuestion && (
        <QuestionWizard
          key={showQuestion.toolUseId}
          toolUseId={showQuestion.toolUseId}
          questions={showQuestion.questions}
          onSubmit={(body) => answer.mutate(body)}
          busy={answer.isPending}
          error={answer.error}
        />
      )}
      {turnQueue && <TurnQueueNotice queue={turnQueue} />}
      {run && <RunWaitNotice run={run} taskHref={taskHref} />}
      <Composer
        conversationId={conversationId}
        taskId={conversation.data.taskId}
        provider={conversation.data.provider}
        streaming={streaming}
        placeholder={turnQueue ? 'Your message waits for a free agent slot… (you can type your next one)' : undefined}
        onSent={() => void qc.invalidateQueries({ queryKey: keys.conversationLive(conversationId), exact: true })}
      />
    </div>
  );
}
