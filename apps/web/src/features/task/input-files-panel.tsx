// The task page's "Input files" panel (docs/behaviour/web-app.md#task-page): the
// files attached to the task (its archive's `input_files/`, which every agent's
// context prompt lists), with upload by picker or drop, download and delete.
import { useRef, useState, type DragEvent } from 'react';
import { Download, FileUp, Trash2, Upload } from 'lucide-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InputFileDto } from '@bottega/protocol';
import { api, fillPath } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, ErrorState, IconButton, InlineError, LoadingState } from '../../ui';

export function useInputFiles(taskId: number) {
  return useQuery({
    queryKey: keys.taskFiles(taskId),
    queryFn: async ({ signal }) => (await api.get('/api/tasks/:taskId/files', { params: { taskId }, signal })).files,
  });
}

/** "812 B", "4.2 KB", "3.1 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function InputFilesPanel({ taskId }: { taskId: number }) {
  const qc = useQueryClient();
  const files = useInputFiles(taskId);
  const picker = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const upload = useMutation({
    mutationFn: async (chosen: readonly File[]) => {
      const form = new FormData();
      for (const f of chosen) form.append('file', f, f.name);
      return (await api.post('/api/tasks/:taskId/files', { params: { taskId }, body: form })).files;
    },
    onSuccess: (list) => qc.setQueryData<InputFileDto[]>(keys.taskFiles(taskId), list),
  });
  const remove = useMutation({
    mutationFn: async (name: string) => {
      await api.delete('/api/tasks/:taskId/files/:name', { params: { taskId, name } });
      return name;
    },
    onSuccess: (name) => qc.setQueryData<InputFileDto[]>(keys.taskFiles(taskId), (old) => old?.filter((f) => f.name !== name)),
    // Whatever happened, show the folder as it now is.
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.taskFiles(taskId) }),
  });

  const send = (list: FileList | null) => {
    const chosen = list ? [...list] : [];
    if (chosen.length > 0) upload.mutate(chosen);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    send(e.dataTransfer.files);
  };
  const onDragOver = (e: DragEvent) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    setDragging(true);
  };

  return (
    <section
      aria-labelledby="input-files-heading"
      className={`rounded-lg border bg-white p-4 ${dragging ? 'border-indigo-400 ring-2 ring-indigo-200' : 'border-stone-200'}`}
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="input-files-panel"
    >
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="input-files-heading" className="text-lg font-semibold">
          Input files
        </h2>
        <Button icon={Upload} busy={upload.isPending} onClick={() => picker.current?.click()}>
          Upload files
        </Button>
        <input
          ref={picker}
          type="file"
          multiple
          className="sr-only"
          aria-label="Choose files to upload"
          tabIndex={-1}
          onChange={(e) => {
            send(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </div>
      <div className="mb-2 flex flex-col gap-1">
        <InlineError error={upload.error} />
        <InlineError error={remove.error} />
      </div>
      {files.isPending ? (
        <LoadingState label="Loading input files…" />
      ) : files.isError ? (
        <ErrorState error={files.error} retry={() => void files.refetch()} />
      ) : files.data.length === 0 ? (
        <div className="rounded-md border border-dashed border-stone-300 p-4 text-center text-sm text-stone-600" data-state="empty">
          <FileUp aria-hidden="true" className="mx-auto mb-1 h-6 w-6 text-stone-400" />
          <p className="font-medium text-stone-800">No input files yet</p>
          <p className="mt-1">
            Drop files here or upload them: specifications, screenshots, data samples. Every agent working on this task is told where they
            are and can read them.
          </p>
        </div>
      ) : (
        <>
          <ul className="divide-y divide-stone-100 rounded-md border border-stone-200 text-sm" aria-label="Input files">
            {files.data.map((f) => (
              <FileRow
                key={f.name}
                taskId={taskId}
                file={f}
                deleting={remove.isPending && remove.variables === f.name}
                onDelete={() => remove.mutate(f.name)}
              />
            ))}
          </ul>
          <p className="mt-2 text-xs text-stone-500">Drop more files here to add them; a file with the same name is replaced.</p>
        </>
      )}
    </section>
  );
}

function FileRow({ taskId, file, deleting, onDelete }: { taskId: number; file: InputFileDto; deleting: boolean; onDelete: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-3 py-2">
      <div className="min-w-0 flex-1">
        <a
          href={fillPath('/api/tasks/:taskId/files/:name', { taskId, name: file.name })}
          download={file.name}
          className="flex min-w-0 items-center gap-1.5 font-medium text-indigo-700 hover:underline"
        >
          <Download aria-hidden="true" className="h-4 w-4 shrink-0" />
          <span className="truncate">{file.name}</span>
        </a>
        <p className="text-xs text-stone-500">
          {formatBytes(file.size)} · <time dateTime={file.modifiedAt}>{dateFormat.format(new Date(file.modifiedAt))}</time>
        </p>
      </div>
      {confirming ? (
        <span className="flex items-center gap-1">
          <Button variant="danger" icon={Trash2} busy={deleting} onClick={onDelete} aria-label={`Confirm deleting ${file.name}`}>
            Delete
          </Button>
          <Button variant="ghost" disabled={deleting} onClick={() => setConfirming(false)}>
            Keep
          </Button>
        </span>
      ) : (
        <IconButton icon={Trash2} tone="danger" label={`Delete ${file.name}`} onClick={() => setConfirming(true)} />
      )}
    </li>
  );
}
