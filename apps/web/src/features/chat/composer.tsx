// The follow-up box: Enter sends, Shift+Enter starts a new line. The server
// decides whether a message can be taken now; while a turn runs it answers
// 409 RUN_IN_PROGRESS and the box says so, keeping the text.
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, isApiError } from '../../lib/api';
import { Button, InlineError } from '../../ui';

/** The body of POST /messages (ChatMessageBody in the protocol). */
interface MessageBody {
  message: string;
}

export function Composer({ conversationId, streaming, onSent }: { conversationId: number; streaming: boolean; onSent: () => void }) {
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: (body: MessageBody) => api.post<{ ok: true }>(`/api/conversations/${conversationId}/messages`, body),
    onSuccess: () => {
      setText('');
      onSent();
    },
  });
  const busy = isApiError(send.error, 'RUN_IN_PROGRESS');
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const message = text.trim();
    if (!message || send.isPending) return;
    send.mutate({ message });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-1 border-t border-stone-200 pt-2">
      {busy ? (
        <p role="status" className="text-xs text-amber-800" data-testid="run-in-progress">
          The agent is still working on the previous message. Wait for it to finish, or press Stop, then send again.
        </p>
      ) : (
        send.error && <InlineError error={send.error} />
      )}
      <div className="flex items-end gap-2">
        <textarea
          aria-label="Message"
          rows={2}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (send.error) send.reset();
          }}
          onKeyDown={onKeyDown}
          placeholder={streaming ? 'The agent is working… (you can type your next message)' : 'Reply… (Enter sends, Shift+Enter for a new line)'}
          className="max-h-48 min-h-[2.75rem] flex-1 resize-y rounded-md border border-stone-300 px-2.5 py-2 text-sm outline-none focus:ring-2 focus:ring-indigo-400"
        />
        <Button type="submit" variant="primary" busy={send.isPending} disabled={!text.trim()}>
          Send
        </Button>
      </div>
    </form>
  );
}
