// Create, edit (rename, move to another path) and delete a project. The
// server checks the path is a git checkout; its 400/409 message is shown as is.
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateProjectBody, ProjectDto, UpdateProjectBody } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, Field, InlineError, Modal } from '../../ui';

interface Draft {
  name: string;
  repoPath: string;
  subprojectPath: string;
}

function ProjectFields({ draft, set }: { draft: Draft; set: (d: Draft) => void }) {
  return (
    <>
      <Field label="Name" value={draft.name} onChange={(e) => set({ ...draft, name: e.target.value })} required maxLength={200} autoFocus />
      <Field
        label="Repository path"
        value={draft.repoPath}
        onChange={(e) => set({ ...draft, repoPath: e.target.value })}
        required
        placeholder="/srv/repos/my-app"
        hint="Absolute path on the server to the root of a git checkout."
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

export function CreateProjectDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (p: ProjectDto) => void }) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>({ name: '', repoPath: '', subprojectPath: '' });
  const create = useMutation({
    mutationFn: (body: CreateProjectBody) => api.post<{ project: ProjectDto }>('/api/projects', body),
    onSuccess: ({ project }) => {
      qc.setQueryData<ProjectDto[]>(keys.projects, (list) => (list ? [...list.filter((p) => p.id !== project.id), project] : list));
      void qc.invalidateQueries({ queryKey: keys.projects });
      onCreated(project);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const sub = draft.subprojectPath.trim();
    create.mutate({ name: draft.name.trim(), repoPath: draft.repoPath.trim(), ...(sub ? { subprojectPath: sub } : {}) });
  };
  return (
    <Modal title="New project" onClose={onClose}>
      <form className="flex flex-col gap-3" onSubmit={submit}>
        <ProjectFields draft={draft} set={setDraft} />
        <InlineError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!draft.name.trim() || !draft.repoPath.trim()}>
            Create project
          </Button>
        </div>
      </form>
    </Modal>
  );
}

export function EditProjectDialog({ project, onClose }: { project: ProjectDto; onClose: () => void }) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>({ name: project.name, repoPath: project.repoPath, subprojectPath: project.subprojectPath ?? '' });
  const [confirmDelete, setConfirmDelete] = useState(false);
  const update = useMutation({
    mutationFn: (body: UpdateProjectBody) => api.patch<{ project: ProjectDto }>(`/api/projects/${project.id}`, body),
    onSuccess: ({ project: saved }) => {
      qc.setQueryData<ProjectDto[]>(keys.projects, (list) => list?.map((p) => (p.id === saved.id ? saved : p)));
      qc.setQueryData(keys.project(saved.id), saved);
      onClose();
    },
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/projects/${project.id}`),
    onSuccess: () => {
      qc.setQueryData<ProjectDto[]>(keys.projects, (list) => list?.filter((p) => p.id !== project.id));
      qc.removeQueries({ queryKey: keys.project(project.id) });
      qc.removeQueries({ queryKey: keys.taskColumns(project.id) });
      onClose();
    },
  });
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
        <ProjectFields draft={draft} set={setDraft} />
        <InlineError error={update.error ?? remove.error} />
        <div className="flex flex-wrap justify-between gap-2">
          {confirmDelete ? (
            <span className="flex flex-wrap items-center gap-2">
              <span className="text-sm text-red-700">Delete the project and all its tasks?</span>
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
                Yes, delete
              </Button>
            </span>
          ) : (
            <Button variant="ghost" className="text-red-700" onClick={() => setConfirmDelete(true)}>
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
    </Modal>
  );
}
