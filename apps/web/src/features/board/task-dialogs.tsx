// Create, edit and delete a task from the board. The description becomes the
// task's initial document; YOLO is chosen at creation (the API fixes it then).
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateTaskBody, TaskDto, UpdateTaskBody } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Badge, Button, Checkbox, Field, InlineError, Modal } from '../../ui';
import { placeTaskOnBoard, removeTaskFromBoard } from './board-cache';
import { columnLabels } from './columns';

export function CreateTaskDialog({ projectId, onClose }: { projectId: number; onClose: () => void }) {
  const qc = useQueryClient();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [yoloMode, setYolo] = useState(false);
  const descId = useId();
  const create = useMutation({
    mutationFn: (body: CreateTaskBody) => api.post('/api/projects/:projectId/tasks', { params: { projectId }, body }),
    onSuccess: ({ task }) => {
      placeTaskOnBoard(qc, task, { created: true });
      void qc.invalidateQueries({ queryKey: keys.projects });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ title: title.trim(), ...(description.trim() ? { description } : {}), yoloMode });
  };
  return (
    <Modal title="New task" onClose={onClose}>
      <form className="flex flex-col gap-3" onSubmit={submit}>
        <Field label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} autoFocus />
        <div className="flex flex-col gap-1">
          <label htmlFor={descId} className="text-sm font-medium text-stone-700">
            Description
          </label>
          <textarea
            id={descId}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={6}
            placeholder="What should be done? This becomes the task document (markdown)."
            className="rounded-md border border-stone-300 px-2.5 py-1.5 text-sm outline-none focus:ring-2 focus:ring-indigo-400"
          />
        </div>
        <Checkbox
          label="YOLO mode"
          description="One agent does everything in a single run, without the plan → implement → review loop. Cannot be changed later."
          checked={yoloMode}
          onCheckedChange={setYolo}
        />
        <InlineError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!title.trim()}>
            Create task
          </Button>
        </div>
      </form>
    </Modal>
  );
}

export function EditTaskDialog({ task, onClose }: { task: TaskDto; onClose: () => void }) {
  const qc = useQueryClient();
  const [title, setTitle] = useState(task.title);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const update = useMutation({
    mutationFn: (body: UpdateTaskBody) => api.patch('/api/tasks/:taskId', { params: { taskId: task.id }, body }),
    onSuccess: ({ task: saved }) => {
      placeTaskOnBoard(qc, saved);
      qc.setQueryData(keys.task(saved.id), saved);
      onClose();
    },
  });
  const remove = useMutation({
    mutationFn: () => api.delete('/api/tasks/:taskId', { params: { taskId: task.id } }),
    onSuccess: () => {
      removeTaskFromBoard(qc, task.projectId, task.id);
      qc.removeQueries({ queryKey: keys.task(task.id), exact: true });
      void qc.invalidateQueries({ queryKey: keys.projects });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() === task.title) return onClose();
    update.mutate({ title: title.trim() });
  };
  return (
    <Modal title="Edit task" onClose={onClose}>
      <form className="flex flex-col gap-3" onSubmit={submit}>
        <Field label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} autoFocus />
        <div className="flex flex-wrap items-center gap-2 text-sm text-stone-600">
          <span>Status: {columnLabels[task.status]}</span>
          {task.yoloMode ? <Badge tone="amber">YOLO</Badge> : <Badge>Plan → implement → review</Badge>}
        </div>
        <InlineError error={update.error ?? remove.error} />
        <div className="flex flex-wrap justify-between gap-2">
          {confirmDelete ? (
            <span className="flex items-center gap-2">
              <span className="text-sm text-red-700">Delete with its worktree and history?</span>
              <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate()}>
                Yes, delete
              </Button>
            </span>
          ) : (
            <Button variant="ghost" className="text-red-700" onClick={() => setConfirmDelete(true)}>
              Delete task
            </Button>
          )}
          <span className="flex gap-2">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" busy={update.isPending} disabled={!title.trim()}>
              Save
            </Button>
          </span>
        </div>
      </form>
    </Modal>
  );
}
