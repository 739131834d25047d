// Admin → Project memberships: who may see each project, and who owns it
// (owners delete the project). Pick a project, add a user, set a role, remove
// one; the server keeps at least one member and one owner per project and
// says so when asked to remove the last.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { projectRoles, type MemberDto, type ProjectRole } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, EmptyState, ErrorState, InlineError, LoadingState, Select } from '../../ui';
import { ProjectPicker } from './project-picker';
import { useAdminUsers } from './users';

/** Users who could still be added to a project with these members. */
export function addableUsers<U extends { id: number; isActive: boolean }>(users: readonly U[], members: readonly MemberDto[]): U[] {
  const inProject = new Set(members.map((m) => m.userId));
  return users.filter((u) => !inProject.has(u.id));
}

export function MembershipsPanel() {
  return (
    <ProjectPicker label="Project" empty={<EmptyState title="No projects yet">Projects created on the dashboard appear here.</EmptyState>}>
      {(projectId) => <ProjectMembers key={projectId} projectId={projectId} />}
    </ProjectPicker>
  );
}

function ProjectMembers({ projectId }: { projectId: number }) {
  const qc = useQueryClient();
  const members = useQuery({
    queryKey: keys.members(projectId),
    queryFn: () => api.get('/api/projects/:projectId/members', { params: { projectId } }),
  });
  const users = useAdminUsers();
  const [userId, setUserId] = useState('');
  const put = (res: { members: MemberDto[] }) => qc.setQueryData(keys.members(projectId), res);
  const add = useMutation({
    mutationFn: (id: number) => api.post('/api/projects/:projectId/members', { params: { projectId }, body: { userId: id } }),
    onSuccess: (res) => {
      setUserId('');
      put(res);
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.delete('/api/projects/:projectId/members/:userId', { params: { projectId, userId: id } }),
    onSuccess: put,
  });
  const setRole = useMutation({
    mutationFn: ({ id, role }: { id: number; role: ProjectRole }) =>
      api.patch('/api/projects/:projectId/members/:userId', { params: { projectId, userId: id }, body: { role } }),
    onSuccess: put,
  });
  if (members.isPending || users.isPending) return <LoadingState />;
  if (members.isError) return <ErrorState error={members.error} retry={() => void members.refetch()} />;
  if (users.isError) return <ErrorState error={users.error} retry={() => void users.refetch()} />;
  const list = members.data.members;
  const candidates = addableUsers(users.data.users, list);
  return (
    <div className="flex flex-col gap-3">
      <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white" aria-label="Members">
        {list.map((m) => (
          <li key={m.userId} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2" data-member={m.username}>
            <span className="min-w-0 flex-1 truncate font-medium">{m.username}</span>
            <Select
              aria-label={`Role of ${m.username}`}
              value={m.role}
              disabled={setRole.isPending}
              options={projectRoles.map((r) => ({
                value: r,
                label: r === 'owner' ? 'Owner' : 'Member',
                hint: r === 'owner' ? 'Can delete the project' : 'Sees and works on the project',
              }))}
              onValueChange={(role: ProjectRole) => role !== m.role && setRole.mutate({ id: m.userId, role })}
            />
            <Button
              variant="ghost"
              className="px-2 py-1 text-xs text-red-700"
              busy={remove.isPending && remove.variables === m.userId}
              disabled={list.length === 1}
              title={list.length === 1 ? 'A project keeps at least one member' : undefined}
              onClick={() => remove.mutate(m.userId)}
            >
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <InlineError error={remove.error ?? setRole.error} />
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (userId) add.mutate(Number(userId));
        }}
      >
        <Select
          label="Add a user"
          className="flex-1 sm:max-w-xs"
          value={userId}
          disabled={candidates.length === 0}
          placeholder={candidates.length === 0 ? 'Everyone is already a member' : 'Choose a user…'}
          options={candidates.map((u) => ({
            value: String(u.id),
            label: u.username,
            ...(u.isActive ? {} : { hint: 'Deactivated' }),
          }))}
          onValueChange={setUserId}
        />
        <Button type="submit" variant="primary" busy={add.isPending} disabled={userId === ''}>
          Add member
        </Button>
      </form>
      <InlineError error={add.error} />
    </div>
  );
}
