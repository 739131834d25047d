// The task document: rendered (sanitized markdown), and editable in the
// CodeMirror editor. Agents write the same file, so saving first checks that
// the document is still the one the edit started from; if it changed, the
// user chooses between overwriting it and keeping the new version.
import { useState } from 'react';
import { Pencil, Save } from 'lucide-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TaskDto, TaskDocumentResponse } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, EmptyState, ErrorState, InlineError, LoadingState } from '../../ui';
import { LazyMarkdown, LazyMarkdownEditor } from '../../ui/lazy';
import { fetchTaskDocument, useTaskDocument } from './task-data';

interface Draft {
  /** The content the edit started from. */
  base: string;
  text: string;
}

export function TaskDocumentSection({ task }: { task: TaskDto }) {
  const qc = useQueryClient();
  const doc = useTaskDocument(task.id);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: async ({ text, force }: { text: string; force: boolean }) => {
      if (!force && draft) {
        const current = await fetchTaskDocument(task.id);
        if (current.content !== draft.base) return { conflict: current.content };
      }
      const saved = await api.put('/api/tasks/:taskId/document', { params: { taskId: task.id }, body: { content: text } });
      return { saved };
    },
    onSuccess: (result) => {
      if ('conflict' in result) {
        setConflict(result.conflict ?? '');
        return;
      }
      const { saved } = result;
      qc.setQueryData<TaskDocumentResponse>(keys.taskDocument(task.id), { content: saved.content, path: saved.path });
      qc.setQueryData<TaskDto>(keys.task(task.id), saved.task);
      setConflict(null);
      setDraft(null);
    },
  });

  const startEdit = () => {
    if (!doc.data) return;
    save.reset();
    setConflict(null);
    setDraft({ base: doc.data.content, text: doc.data.content });
  };
  const cancel = () => {
    save.reset();
    setConflict(null);
    setDraft(null);
  };
  const submit = (force = false) => {
    if (draft && !save.isPending) save.mutate({ text: draft.text, force });
  };
  const keepTheirs = () => {
    if (conflict !== null) qc.setQueryData<TaskDocumentResponse>(keys.taskDocument(task.id), (d) => (d ? { ...d, content: conflict } : d));
    cancel();
  };

  return (
    <section aria-labelledby="document-heading" className="rounded-lg border border-stone-200 bg-white p-4">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="document-heading" className="text-lg font-semibold">
          Task document
        </h2>
        {draft ? (
          <div className="flex gap-2">
            <Button onClick={cancel} disabled={save.isPending}>
              Cancel
            </Button>
            <Button variant="primary" icon={Save} busy={save.isPending} onClick={() => submit()}>
              Save
            </Button>
          </div>
        ) : (
          <Button icon={Pencil} onClick={startEdit} disabled={!doc.data}>
            Edit
          </Button>
        )}
      </div>
      {doc.isPending ? (
        <LoadingState label="Loading the document…" />
      ) : doc.isError ? (
        <ErrorState error={doc.error} retry={() => void doc.refetch()} />
      ) : draft ? (
        <div className="flex flex-col gap-2">
          <LazyMarkdownEditor
            value={draft.text}
            onChange={(text) => setDraft((d) => (d ? { ...d, text } : d))}
            onSave={() => submit()}
            ariaLabel="Task document"
          />
          <p className="text-xs text-stone-500">Ctrl/⌘-S saves.</p>
          <InlineError error={save.error} />
          {conflict !== null && (
            <div
              role="alert"
              className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
              data-testid="document-conflict"
            >
              <p className="font-medium">The document changed while you were editing it (an agent may have written to it).</p>
              <p className="mt-1">Overwrite it with your version, or drop your edits and keep the new one.</p>
              <div className="mt-2 flex flex-wrap gap-2">
                <Button variant="danger" busy={save.isPending} onClick={() => submit(true)}>
                  Overwrite with mine
                </Button>
                <Button onClick={keepTheirs}>Keep the new version</Button>
              </div>
            </div>
          )}
        </div>
      ) : doc.data.content.trim() === '' ? (
        <EmptyState title="The document is empty">Press Edit to describe the task.</EmptyState>
      ) : (
        <div data-testid="task-document">
          <LazyMarkdown>{doc.data.content}</LazyMarkdown>
        </div>
      )}
    </section>
  );
}
