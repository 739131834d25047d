// "Merge & clean up" (docs/behaviour/loop.md#merge-and-clean-up) behind a confirmation: merges the
// task's pull request on GitHub, removes the worktree and local branch, completes the task.
import { useState } from 'react';
import { GitMerge } from 'lucide-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TaskDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, InlineError, Modal } from '../../ui';

export function MergeButton({ task, primary = false }: { task: TaskDto; primary?: boolean }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const merge = useMutation({
    mutationFn: async () => (await api.post('/api/tasks/:taskId/merge', { params: { taskId: task.id } })).task,
    onSuccess: (merged) => {
      qc.setQueryData<TaskDto>(keys.task(task.id), merged);
      void qc.invalidateQueries({ queryKey: keys.taskDiff(task.id) });
      setOpen(false);
    },
  });
  // The server merges the task's pull request; without one there is nothing to merge.
  const hasPullRequest = task.prUrl !== null || task.prAgentComplete || task.status === 'in_review';
  if (!task.branchName || task.status === 'completed' || !hasPullRequest) return null;
  const close = () => {
    if (merge.isPending) return;
    merge.reset();
    setOpen(false);
  };
  return (
    <>
      <Button variant={primary ? 'primary' : 'secondary'} icon={GitMerge} onClick={() => setOpen(true)}>
        Merge &amp; clean up
      </Button>
      {open && (
        <Modal title="Merge and clean up?" onClose={close}>
          <p className="text-sm text-stone-700">
            This merges the pull request of <span className="font-mono">{task.branchName}</span> on GitHub, removes the task's worktree and
            local branch, and marks the task completed. The task document is kept.
          </p>
          <div className="mt-3">
            <InlineError error={merge.error} />
          </div>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={close} disabled={merge.isPending}>
              Cancel
            </Button>
            <Button variant="danger" icon={GitMerge} busy={merge.isPending} onClick={() => merge.mutate()}>
              Merge &amp; clean up
            </Button>
          </div>
        </Modal>
      )}
    </>
  );
}
