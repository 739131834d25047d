// Settings → Prompts → one prompt: the effective content in the markdown
// editor, the shipped default beside it, and the variables it may use. Saving
// sends the version it loaded (409 when someone else saved since); a variable
// the prompt may not use is refused by the server (400) and shown here.
import { useState } from 'react';
import { Link, Navigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PromptDetailDto } from '@bottega/protocol';
import { api, isApiError } from '../../lib/api';
import { keys } from '../../lib/keys';
import { paths } from '../../lib/routing';
import { useMe } from '../../app/session';
import { Badge, Button, ErrorState, LoadingState, Modal } from '../../ui';
import { LazyMarkdownEditor } from '../../ui/lazy';
import { usePrompt } from './prompts';

export function PromptEditor({ name }: { name: string }) {
  const prompt = usePrompt(name);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  if (prompt.isPending) return <LoadingState />;
  if (isApiError(prompt.error, 'NOT_FOUND'))
    return <Navigate to={paths.settings('prompts')} replace state={{ notice: `There is no prompt named ${name}.` }} />;
  if (prompt.isError) return <ErrorState error={prompt.error} retry={() => void prompt.refetch()} />;
  const p = prompt.data.prompt;
  return (
    <div className="flex flex-col gap-4">
      <div>
        <Link to={paths.settings('prompts')} className="text-sm text-indigo-700 hover:underline">
          ← All prompts
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <h3 className="text-lg font-semibold">{p.label}</h3>
          <code className="text-xs text-stone-500">{p.name}</code>
          <Badge tone={p.kind === 'template' ? 'sky' : 'stone'}>{p.kind}</Badge>
          {p.customized ? (
            <Badge tone="indigo">customized</Badge>
          ) : (
            <span className="text-xs text-stone-500" data-testid="prompt-default-note">
              using the default
            </span>
          )}
        </div>
      </div>
      <Variables prompt={p} />
      {notice && (
        <p role="status" className="text-sm text-green-700">
          {notice}
        </p>
      )}
      <PromptForm
        key={`${p.mtime ?? 'default'}:${version}`}
        prompt={p}
        onNotice={setNotice}
        onReload={async () => {
          setNotice(null);
          await prompt.refetch();
          setVersion((v) => v + 1);
        }}
      />
      <details open={p.customized} className="rounded-lg border border-stone-200 bg-stone-50 p-3">
        <summary className="cursor-pointer text-sm font-medium">Default content (read-only)</summary>
        <pre className="mt-2 max-h-[28rem] overflow-auto whitespace-pre-wrap text-xs text-stone-700" data-testid="prompt-default">
          {p.defaultContent}
        </pre>
      </details>
    </div>
  );
}

function Variables({ prompt }: { prompt: PromptDetailDto }) {
  if (prompt.kind === 'template')
    return <p className="text-sm text-stone-600">A template is read by the agent as it is; it takes no variables.</p>;
  return (
    <div className="text-sm">
      <p className="text-stone-600">Variables this prompt may use:</p>
      <ul className="mt-1 flex flex-wrap gap-1" aria-label="Allowed variables">
        {prompt.variables.map((v) => (
          <li key={v}>
            <code className="rounded bg-stone-100 px-1.5 py-0.5 text-xs">{`{{${v}}}`}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PromptForm({
  prompt,
  onNotice,
  onReload,
}: {
  prompt: PromptDetailDto;
  onNotice: (n: string | null) => void;
  onReload: () => Promise<void>;
}) {
  const me = useMe();
  const qc = useQueryClient();
  const [draft, setDraft] = useState(prompt.content);
  const [confirmRevert, setConfirmRevert] = useState(false);
  const params = { name: prompt.name };
  const store = (next: PromptDetailDto) => {
    qc.setQueryData(keys.prompt(prompt.name), { prompt: next });
    void qc.invalidateQueries({ queryKey: keys.prompts, exact: true });
  };
  const save = useMutation({
    mutationFn: () => api.put('/api/prompts/:name', { params, body: { content: draft, expectedMtime: prompt.mtime } }),
    onMutate: () => onNotice(null),
    onSuccess: (res) => {
      onNotice('Saved. Agents use this version from their next run.');
      store(res.prompt);
    },
  });
  const revert = useMutation({
    mutationFn: () => api.delete('/api/prompts/:name', { params }),
    onMutate: () => onNotice(null),
    onSuccess: (res) => {
      setConfirmRevert(false);
      onNotice('Reverted to the default.');
      store(res.prompt);
    },
  });

  if (!me.isAdmin)
    return (
      <div className="flex flex-col gap-2">
        <p className="text-sm text-stone-600">Only administrators can change prompts. This is the version agents use now:</p>
        <pre
          className="max-h-[32rem] overflow-auto whitespace-pre-wrap rounded-lg border border-stone-200 bg-white p-3 text-xs"
          data-testid="prompt-content"
        >
          {prompt.content}
        </pre>
      </div>
    );

  const conflict = isApiError(save.error, 'CONFLICT');
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <LazyMarkdownEditor
        value={draft}
        onChange={setDraft}
        onSave={() => save.mutate()}
        ariaLabel={`${prompt.label} prompt`}
        minHeight="20rem"
      />
      {save.error !== null && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="prompt-save-error">
          <p>
            {conflict
              ? 'Not saved: someone else changed this prompt since you opened it. Reload the latest version, then apply your edit again.'
              : `Not saved: ${save.error.message}`}
          </p>
          {conflict && (
            <Button className="mt-2" onClick={() => void onReload()}>
              Reload the latest version
            </Button>
          )}
        </div>
      )}
      {revert.error !== null && !confirmRevert && (
        <p role="alert" className="text-sm text-red-700">
          {revert.error.message}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={draft === prompt.content}>
          Save
        </Button>
        <Button disabled={draft === prompt.content} onClick={() => setDraft(prompt.content)}>
          Discard changes
        </Button>
        {prompt.customized && (
          <Button variant="danger" className="sm:ml-auto" onClick={() => setConfirmRevert(true)}>
            Revert to default
          </Button>
        )}
      </div>
      {confirmRevert && (
        <Modal title="Revert to the default?" onClose={() => setConfirmRevert(false)}>
          <p className="text-sm text-stone-700">
            The override of {prompt.label} is deleted for everyone on this instance; agents use the shipped default again.
          </p>
          {revert.error !== null && (
            <p role="alert" className="mt-2 text-sm text-red-700">
              {revert.error.message}
            </p>
          )}
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirmRevert(false)}>Keep my override</Button>
            <Button variant="danger" busy={revert.isPending} onClick={() => revert.mutate()}>
              Revert
            </Button>
          </div>
        </Modal>
      )}
    </form>
  );
}
