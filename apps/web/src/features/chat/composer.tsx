// The follow-up box: Enter sends, Shift+Enter starts a new line. The server
// decides whether a message can be taken now; while a turn runs it answers
// 409 RUN_IN_PROGRESS and the box says so, keeping the text. Given `send`
// instead of a conversation, the same box writes a new chat's first message
// (the task page's New chat).
//
// Conveniences (docs/behaviour/chat.md#slash-commands): typing `/` offers the task's slash commands (the
// server expands them); files picked or dropped here are uploaded at once to
// the worktree's tmp/ or the task's input files (the user picks); images go
// with the next message where the provider supports them.
import { useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { ImagePlus, Paperclip, SendHorizontal } from 'lucide-react';
import type { AttachmentTarget, ChatMessageBody, SlashCommandDto } from '@bottega/protocol';
import { api, isApiError } from '../../lib/api';
import { Button, InlineError, Select } from '../../ui';
import { COMMAND_MENU_ID, CommandMenu, commandOptionId } from './command-menu';
import {
  ATTACHMENT_TARGETS,
  commandQuery,
  isImageFile,
  matchCommands,
  readImage,
  uploadAttachments,
  useImageSupport,
  useSlashCommands,
  type PendingImage,
} from './conveniences';

type ComposerProps = {
  taskId: number;
  /** The conversation's provider (decides whether images can be sent). */
  provider: string | null;
  streaming: boolean;
  onSent: () => void;
  placeholder?: string;
  submitLabel?: string;
  /** Why sending is not possible yet (e.g. no model chosen); shown instead of sending. */
  blockedReason?: string | null;
} & (
  | { conversationId: number; send?: undefined }
  /** A message that goes elsewhere than a follow-up: the first message of a new chat. */
  | { conversationId?: undefined; send: (body: ChatMessageBody) => Promise<unknown> }
);

export function Composer({
  conversationId,
  send: sendTo,
  taskId,
  provider,
  streaming,
  onSent,
  placeholder,
  submitLabel = 'Send',
  blockedReason = null,
}: ComposerProps) {
  const [text, setText] = useState('');
  const [images, setImages] = useState<PendingImage[]>([]);
  const [target, setTarget] = useState<AttachmentTarget>('tmp');
  const [attached, setAttached] = useState<string[]>([]);
  const [localError, setLocalError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [menuClosed, setMenuClosed] = useState(false);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const imageInput = useRef<HTMLInputElement>(null);
  const commands = useSlashCommands(taskId);
  const imagesOk = useImageSupport(provider);

  const send = useMutation({
    mutationFn: (body: ChatMessageBody) =>
      sendTo ? sendTo(body) : api.post('/api/conversations/:conversationId/messages', { params: { conversationId }, body }),
    onSuccess: () => {
      setText('');
      setImages([]);
      setAttached([]);
      onSent();
    },
  });
  const upload = useMutation({
    mutationFn: (files: File[]) => uploadAttachments(taskId, target, files),
    onSuccess: (_r, files) => setAttached((a) => [...a, ...files.map((f) => `${f.name} → ${target === 'tmp' ? 'tmp/' : 'input files'}`)]),
  });

  const query = menuClosed ? null : commandQuery(text);
  const matches = query === null ? [] : matchCommands(commands.data ?? [], query);
  const menuOpen = matches.length > 0;
  const activeIndex = Math.min(active, Math.max(0, matches.length - 1));

  const busy = isApiError(send.error, 'RUN_IN_PROGRESS');
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const message = text.trim();
    if (!message || send.isPending || blockedReason) return;
    send.mutate({ message, ...(images.length > 0 ? { images: images.map(({ mediaType, data }) => ({ mediaType, data })) } : {}) });
  };
  const pick = (c: SlashCommandDto) => {
    setText(`/${c.name} `);
    setMenuClosed(true);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (menuOpen) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      const chosen = matches[activeIndex];
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && chosen) {
        e.preventDefault();
        pick(chosen);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setMenuClosed(true);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
  };

  const addImages = async (files: File[]) => {
    try {
      const read = await Promise.all(files.map(readImage));
      setImages((cur) => [...cur, ...read].slice(0, 4));
    } catch (err) {
      setLocalError(err instanceof Error ? err.message : String(err));
    }
  };
  /** Files chosen or dropped: images ride with the message where they can, the rest are uploaded now. */
  const takeFiles = (files: File[]) => {
    setLocalError(null);
    const asImages = imagesOk ? files.filter((f) => isImageFile(f)) : [];
    const rest = files.filter((f) => !imagesOk || !isImageFile(f));
    if (asImages.length > 0) void addImages(asImages);
    if (rest.length > 0) upload.mutate(rest);
  };
  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDragging(false);
    takeFiles([...e.dataTransfer.files]);
  };

  return (
    <form
      onSubmit={submit}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="composer"
      className={`relative flex flex-col gap-1 border-t border-stone-200 pt-2 ${dragging ? 'rounded-md bg-indigo-50 ring-2 ring-indigo-300' : ''}`}
    >
      {busy ? (
        <p role="status" className="text-xs text-amber-800" data-testid="run-in-progress">
          The agent is still working on the previous message. Wait for it to finish, or press Stop, then send again.
        </p>
      ) : (
        send.error && <InlineError error={send.error} />
      )}
      {upload.error && <InlineError error={upload.error} />}
      {blockedReason && (
        <p role="status" className="text-xs text-amber-800">
          {blockedReason}
        </p>
      )}
      {localError && (
        <p role="alert" className="text-xs text-red-700">
          {localError}
        </p>
      )}
      {attached.length > 0 && (
        <ul className="flex flex-wrap gap-2 text-xs text-stone-600" data-testid="attached-files" aria-label="Attached files">
          {attached.map((a) => (
            <li key={a} className="rounded bg-stone-100 px-2 py-0.5">
              {a}
            </li>
          ))}
        </ul>
      )}
      {images.length > 0 && (
        <ul className="flex flex-wrap gap-2" aria-label="Images to send">
          {images.map((img, i) => (
            <li key={`${img.name}-${i}`} className="relative">
              <img src={img.preview} alt={img.name} className="h-14 w-14 rounded border border-stone-200 object-cover" />
              <button
                type="button"
                aria-label={`Remove ${img.name}`}
                onClick={() => setImages((cur) => cur.filter((_, j) => j !== i))}
                className="absolute -right-1 -top-1 rounded-full bg-white px-1 text-xs shadow"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {menuOpen && (
        <div className="absolute bottom-full left-0 right-0 mb-1">
          <CommandMenu commands={matches} active={activeIndex} onPick={pick} />
        </div>
      )}
      <div className="flex items-end gap-2">
        <textarea
          aria-label="Message"
          rows={2}
          value={text}
          aria-controls={menuOpen ? COMMAND_MENU_ID : undefined}
          aria-autocomplete="list"
          aria-activedescendant={menuOpen && matches[activeIndex] ? commandOptionId(matches[activeIndex].name) : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setMenuClosed(false);
            setActive(0);
            if (send.error) send.reset();
          }}
          onKeyDown={onKeyDown}
          placeholder={
            placeholder ??
            (streaming
              ? 'The agent is working… (you can type your next message)'
              : 'Reply… (Enter sends, Shift+Enter for a new line, / for commands)')
          }
          className="max-h-48 min-h-[2.75rem] flex-1 resize-y rounded-md border border-stone-300 px-2.5 py-2 text-sm outline-none focus:ring-2 focus:ring-indigo-400"
        />
        <Button type="submit" variant="primary" busy={send.isPending} disabled={!text.trim() || blockedReason !== null}>
          {!send.isPending && <SendHorizontal aria-hidden="true" size={16} />}
          {submitLabel}
        </Button>
      </div>
      <div className="flex flex-wrap items-center gap-2 text-xs text-stone-600">
        <Button variant="ghost" className="!px-2 !py-1 text-xs" busy={upload.isPending} onClick={() => fileInput.current?.click()}>
          {!upload.isPending && <Paperclip aria-hidden="true" size={14} />}
          Attach file
        </Button>
        <span className="flex items-center gap-1">
          <span aria-hidden="true">to</span>
          <Select
            aria-label="Attach files to"
            size="sm"
            value={target}
            options={(Object.keys(ATTACHMENT_TARGETS) as AttachmentTarget[]).map((t) => ({ value: t, label: ATTACHMENT_TARGETS[t].label }))}
            onValueChange={setTarget}
          />
        </span>
        <span title={imagesOk ? 'Send images with your next message' : `${provider ?? 'This provider'} does not accept images`}>
          <Button variant="ghost" className="!px-2 !py-1 text-xs" disabled={!imagesOk} onClick={() => imageInput.current?.click()}>
            <ImagePlus aria-hidden="true" size={14} />
            Add image
          </Button>
        </span>
        <span className="hidden text-stone-500 sm:inline">or drop files here</span>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="attach-file-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) upload.mutate(files);
          }}
        />
        <input
          ref={imageInput}
          type="file"
          multiple
          hidden
          accept="image/png,image/jpeg,image/gif,image/webp"
          data-testid="attach-image-input"
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length > 0) void addImages(files);
          }}
        />
      </div>
    </form>
  );
}
