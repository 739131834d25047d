// What the chat input needs beyond plain text (docs/behaviour/chat.md): the slash commands
// offered for a task, whether the conversation's provider takes images (from
// GET /api/providers capabilities), file uploads to the worktree's tmp/ or the
// task's input files, and images read into the base64 form the API takes.
import { useQuery } from '@tanstack/react-query';
import {
  chatImageTypes,
  MAX_CHAT_IMAGE_BYTES,
  type AttachmentTarget,
  type ChatImage,
  type ChatImageType,
  type SlashCommandDto,
} from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { useProviders } from '../settings/providers';

export function useSlashCommands(taskId: number) {
  return useQuery({
    queryKey: keys.taskCommands(taskId),
    queryFn: ({ signal }) => api.get('/api/tasks/:taskId/commands', { params: { taskId }, signal }).then((r) => r.commands),
    staleTime: 30_000,
  });
}

/** The `/word` being typed at the start of the message (no space yet), or null. */
export function commandQuery(text: string): string | null {
  const m = /^\/([a-z0-9_:-]*)$/.exec(text);
  return m ? (m[1] ?? '') : null;
}

/** Commands whose name starts with the query, then those containing it. */
export function matchCommands(commands: readonly SlashCommandDto[], query: string): SlashCommandDto[] {
  const starts = commands.filter((c) => c.name.startsWith(query));
  const contains = commands.filter((c) => !c.name.startsWith(query) && c.name.includes(query));
  return [...starts, ...contains];
}

/** Whether the provider accepts images; false while unknown (GET /api/providers reports `capabilities`). */
export function useImageSupport(provider: string | null): boolean {
  const providers = useProviders();
  const entry = providers.data?.providers.find((p) => p.name === provider);
  return entry?.capabilities?.supportsImages === true;
}

export const ATTACHMENT_TARGETS = {
  tmp: { label: "Worktree's tmp/ folder", path: '/api/tasks/:taskId/tmp-files' },
  input_files: { label: "Task's input files", path: '/api/tasks/:taskId/files' },
} as const satisfies Record<AttachmentTarget, { label: string; path: string }>;

export async function uploadAttachments(taskId: number, target: AttachmentTarget, files: readonly File[]): Promise<void> {
  const form = new FormData();
  for (const f of files) form.append('file', f, f.name);
  await api.post(ATTACHMENT_TARGETS[target].path, { params: { taskId }, body: form });
}

export interface PendingImage extends ChatImage {
  name: string;
  /** A data: URL for the thumbnail. */
  preview: string;
}

export function isImageFile(file: File): file is File & { type: ChatImageType } {
  return (chatImageTypes as readonly string[]).includes(file.type);
}

/** Reads an image for sending; throws a readable Error for a wrong type or an oversized file. */
export function readImage(file: File): Promise<PendingImage> {
  if (!isImageFile(file)) return Promise.reject(new Error(`${file.name} is not a PNG, JPEG, GIF or WebP image`));
  if (file.size > MAX_CHAT_IMAGE_BYTES)
    return Promise.reject(new Error(`${file.name} is larger than ${Math.round(MAX_CHAT_IMAGE_BYTES / 1024 / 1024)} MB`));
  const mediaType = file.type;
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new Error(`${file.name} could not be read`));
    reader.onload = () => {
      const url = String(reader.result);
      resolve({ name: file.name, mediaType, data: url.slice(url.indexOf(',') + 1), preview: url });
    };
    reader.readAsDataURL(file);
  });
}
