// Create, edit (rename, move to another path) and delete a project. A new
// project is cloned from a repository URL (anyone) or points at an existing
// checkout on the server (administrators only); the server checks both, and
// its 400/403/409 message is shown as is. Moving a project's path is for
// administrators, deleting it for its owners and administrators. The edit
// dialog also holds the project's pull request settings (./pr-settings.tsx)
// and its board's column limits (./column-limits.tsx).
import { useState, type FormEvent } from 'react';
import { Trash2 } from 'lucide-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cloneFolderName, cloneUrlProblem, type CreateProjectBody, type ProjectDto, type UpdateProjectBody } from '@bottega/protocol';
import { useMe } from '../../app/session';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, Field, InlineError, Modal } from '../../ui';
import { ColumnLimitsSection } from './column-limits';
import { PrSettingsSection } from './pr-settings';

interface Draft {
  name: string;
  repoPath: string;
  subprojectPath: string;
}

type Source = 'url' | 'path';

function PathFields({ draft, set, pathLocked }: { draft: Draft; set: (d: Draft) => void; pathLocked?: string }) {
  return (
    <>
      <Field
        label="Repository path"
        value={draft.repoPath}
        onChange={(e) => set({ ...draft, repoPath: e.target.value })}
        required
        readOnly={pathLocked !== undefined}
        placeholder="/srv/repos/my-app"
        hint={pathLocked ?? 'Absolute path on the server to the root of a git checkout, inside one of the repository roots.'}
        spellCheck={false}
        autoCapitalize="off"
      />
      <Field
        label="Subproject path (optional)"
        value={draft.subprojectPath}
        onChange={(e) => set({ ...draft, subprojectPath: e.target.value })}
        placeholder="packages/web"
        hint="A folder inside the repository the agents work in."
        spellCheck={false}
        autoCapitalize="off"
      />
    </>
  );
}

function SourceChoice({ source, set }: { source: Source; set: (s: Source) => void }) {
  const option = (value: Source, label: string) => (
    <label
      className={`flex flex-1 cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-sm ${source === value ? 'border-indigo-500 bg-indigo-50 font-medium text-indigo-900' : 'border-stone-300 text-stone-700'}`}
    >
      <input
        type="radio"
        name="project-source"
        value={value}
        checked={source === value}
        onChange={() => set(value)}
        className="accent-indigo-600"
      />
      {label}
    </label>
  );
  return (
    <fieldset className="flex flex-col gap-2 sm:flex-row">
      <legend className="sr-only">Where the repository comes from</legend>
      {option('url', 'Clone a repository (URL)')}
      {option('path', 'Use an existing checkout (path)')}
    </fieldset>
  );
}

export function CreateProjectDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (p: ProjectDto) => void }) {
  const qc = useQueryClient();
  const me = useMe();
  const [source, setSource] = useState<Source>('url');
  const [draft, setDraft] = useState<Draft>({ name: '', repoPath: '', subprojectPath: '' });
  const [repoUrl, setRepoUrl] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const create = useMutation({
    mutationFn: (body: CreateProjectBody) => api.post('/api/projects', { body }),
    onSuccess: ({ project }) => {
      qc.setQueryData<ProjectDto[]>(keys.projects, (list) => (list ? [...list.filter((p) => p.id !== project.id), project] : list));
      void qc.invalidateQueries({ queryKey: keys.projects });
      onCreated(project);
    },
  });
  const url = repoUrl.trim();
  const urlProblem = url === '' ? null : cloneUrlProblem(url);
  const cloning = source === 'url' || !me.isAdmin;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (cloning) {
      create.mutate({ name: draft.name.trim(), repoUrl: url });
      return;
    }
    const sub = draft.subprojectPath.trim();
    create.mutate({ name: draft.name.trim(), repoPath: draft.repoPath.trim(), ...(sub ? { subprojectPath: sub } : {}) });
  };
  const ready = draft.name.trim() !== '' && (cloning ? url !== '' && urlProblem === null : draft.repoPath.trim() !== '');
  return (
    <Modal title="New project" onClose={onClose}>
      <form className="flex flex-col gap-3" onSubmit={submit}>
        {me.isAdmin && <SourceChoice source={source} set={setSource} />}
        {cloning && (
          <Field
            label="Repository URL"
            value={repoUrl}
            onChange={(e) => {
              setRepoUrl(e.target.value);
              const suggestion =
                e.target.value.trim() && !cloneUrlProblem(e.target.value.trim()) ? cloneFolderName(e.target.value.trim()) : '';
              if (!nameTouched) setDraft({ ...draft, name: suggestion });
            }}
            required
            autoFocus
            type="text"
            inputMode="url"
            placeholder="https://github.com/owner/repo.git"
            hint="https, http, ssh or git@host:owner/repo. The server clones it in the background; private repositories need credentials set up on the server."
            error={urlProblem}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
          />
        )}
        <Field
          label="Name"
          value={draft.name}
          onChange={(e) => {
            setNameTouched(true);
            setDraft({ ...draft, name: e.target.value });
          }}
          required
          maxLength={200}
          autoFocus={!cloning}
        />
        {!cloning && <PathFields draft={draft} set={setDraft} />}
        <InlineError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!ready}>
            {cloning ? 'Clone repository' : 'Create project'}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

export function EditProjectDialog({ project, onClose }: { project: ProjectDto; onClose: () => void }) {
  const qc = useQueryClient();
  const me = useMe();
  const [draft, setDraft] = useState<Draft>({
    name: project.name,
    repoPath: project.repoPath,
    subprojectPath: project.subprojectPath ?? '',
  });
  const [confirmDelete, setConfirmDelete] = useState(false);
  const update = useMutation({
    mutationFn: (body: UpdateProjectBody) => api.patch('/api/projects/:projectId', { params: { projectId: project.id }, body }),
    onSuccess: ({ project: saved }) => {
      qc.setQueryData<ProjectDto[]>(keys.projects, (list) => list?.map((p) => (p.id === saved.id ? saved : p)));
      qc.setQueryData(keys.project(saved.id), saved);
      onClose();
    },
  });
  const remove = useDeleteProject(project.id, onClose);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: UpdateProjectBody = {};
    const name = draft.name.trim();
    const repoPath = draft.repoPath.trim();
    const sub = draft.subprojectPath.trim() || null;
    if (name !== project.name) body.name = name;
    if (repoPath !== project.repoPath) body.repoPath = repoPath;
    if (sub !== project.subprojectPath) body.subprojectPath = sub;
    if (Object.keys(body).length === 0) return onClose();
    update.mutate(body);
  };
  return (
    <Modal title="Edit project" onClose={onClose}>
      <form className="flex flex-col gap-3" onSubmit={submit}>
        <Field
          label="Name"
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          required
          maxLength={200}
          autoFocus
        />
        {project.clone === null && (
          <PathFields
            draft={draft}
            set={setDraft}
            {...(me.isAdmin ? {} : { pathLocked: 'Only administrators move a project to another checkout.' })}
          />
        )}
        <InlineError error={update.error ?? remove.error} />
        <div className="flex flex-wrap justify-between gap-2">
          {!project.canManage ? (
            <span className="self-center text-xs text-stone-500">Only the project's owners and administrators delete it.</span>
          ) : confirmDelete ? (
            <span className="flex flex-wrap items-center gap-2">
              <span className="text-sm text-red-700">Delete the project and all its tasks?</span>
              <Button variant="danger" icon={Trash2} busy={remove.isPending} onClick={() => remove.mutate()}>
                Yes, delete
              </Button>
            </span>
          ) : (
            <Button variant="ghost" icon={Trash2} className="text-red-700" onClick={() => setConfirmDelete(true)}>
              Delete project
            </Button>
          )}
          <span className="flex gap-2">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" busy={update.isPending} disabled={!draft.name.trim() || !draft.repoPath.trim()}>
              Save
            </Button>
          </span>
        </div>
      </form>
      <div className="mt-5 border-t border-stone-200 pt-4">
        <PrSettingsSection project={project} />
      </div>
      <div className="mt-5 border-t border-stone-200 pt-4">
        <ColumnLimitsSection project={project} />
      </div>
    </Modal>
  );
}

/** Deletes a project and forgets its caches. */
export function useDeleteProject(projectId: number, onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete('/api/projects/:projectId', { params: { projectId } }),
    onSuccess: () => {
      qc.setQueryData<ProjectDto[]>(keys.projects, (list) => list?.filter((p) => p.id !== projectId));
      qc.removeQueries({ queryKey: keys.project(projectId) });
      qc.removeQueries({ queryKey: keys.taskColumns(projectId) });
      onDone?.();
    },
  });
}
