// Admin → Users: create accounts, rename, reset passwords, (de)activate,
// grant or remove admin rights, delete. The server refuses changes to one's
// own account that would lock one out; its message is shown as it is.
import { useState } from 'react';
import type { UserDto } from '@bottega/protocol';
import { useMe } from '../../app/session';
import { Badge, Button, Checkbox, ErrorState, Field, InlineError, LoadingState, Modal } from '../../ui';
import { useAdminUsers, useUserChange } from './users';

type Dialog =
  { kind: 'create' } | { kind: 'rename'; user: UserDto } | { kind: 'password'; user: UserDto } | { kind: 'delete'; user: UserDto } | null;

export function UsersPanel() {
  const users = useAdminUsers();
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);
  if (users.isPending) return <LoadingState />;
  if (users.isError) return <ErrorState error={users.error} retry={() => void users.refetch()} />;
  return (
    <div className="flex flex-col gap-3">
      <div>
        <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
          New user
        </Button>
      </div>
      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-stone-50 text-xs uppercase text-stone-500">
            <tr>
              <th className="px-3 py-2">User</th>
              <th className="hidden px-3 py-2 sm:table-cell">Last login</th>
              <th className="px-3 py-2">Actions</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-200">
            {users.data.users.map((u) => (
              <UserRow key={u.id} user={u} onDialog={setDialog} />
            ))}
          </tbody>
        </table>
      </div>
      {dialog?.kind === 'create' && <CreateUserDialog onClose={close} />}
      {dialog?.kind === 'rename' && <RenameDialog user={dialog.user} onClose={close} />}
      {dialog?.kind === 'password' && <PasswordDialog user={dialog.user} onClose={close} />}
      {dialog?.kind === 'delete' && <DeleteDialog user={dialog.user} onClose={close} />}
    </div>
  );
}

function UserRow({ user: u, onDialog }: { user: UserDto; onDialog: (d: Dialog) => void }) {
  const me = useMe();
  const self = u.id === me.id;
  const change = useUserChange();
  return (
    <tr data-user={u.username} className="align-top">
      <td className="px-3 py-2">
        <div className="flex flex-wrap items-center gap-1">
          <span className="font-medium">{u.username}</span>
          {self && <Badge tone="sky">you</Badge>}
          {u.isAdmin && <Badge tone="indigo">admin</Badge>}
          {!u.isActive && <Badge tone="red">deactivated</Badge>}
        </div>
      </td>
      <td className="hidden px-3 py-2 text-stone-600 sm:table-cell">
        {u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : 'never'}
      </td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap gap-1">
          <Button className="px-2 py-1 text-xs" onClick={() => onDialog({ kind: 'rename', user: u })}>
            Rename
          </Button>
          <Button
            className="px-2 py-1 text-xs"
            disabled={self}
            title={self ? 'Change your own password in Settings → Profile' : undefined}
            onClick={() => onDialog({ kind: 'password', user: u })}
          >
            Reset password
          </Button>
          <Button
            className="px-2 py-1 text-xs"
            busy={change.isPending}
            disabled={self}
            title={self ? 'You cannot deactivate yourself' : undefined}
            onClick={() => change.mutate({ kind: 'update', userId: u.id, patch: { isActive: !u.isActive } })}
          >
            {u.isActive ? 'Deactivate' : 'Activate'}
          </Button>
          <Button
            className="px-2 py-1 text-xs"
            busy={change.isPending}
            disabled={self}
            title={self ? 'You cannot remove your own admin rights' : undefined}
            onClick={() => change.mutate({ kind: 'update', userId: u.id, patch: { isAdmin: !u.isAdmin } })}
          >
            {u.isAdmin ? 'Remove admin' : 'Make admin'}
          </Button>
          <Button
            variant="danger"
            className="px-2 py-1 text-xs"
            disabled={self}
            title={self ? 'You cannot delete your own account' : undefined}
            onClick={() => onDialog({ kind: 'delete', user: u })}
          >
            Delete
          </Button>
        </div>
        <InlineError error={change.error} />
      </td>
    </tr>
  );
}

function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const create = useUserChange(onClose);
  return (
    <Modal title="New user" onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ kind: 'create', username: username.trim(), password, isAdmin });
        }}
      >
        <Field label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" required />
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          minLength={8}
          required
          hint="At least 8 characters. Tell it to the user; they can change it in Settings → Profile."
        />
        <Checkbox label="Administrator" checked={isAdmin} onCheckedChange={setIsAdmin} />
        <InlineError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create user
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function RenameDialog({ user, onClose }: { user: UserDto; onClose: () => void }) {
  const [username, setUsername] = useState(user.username);
  const rename = useUserChange(onClose);
  return (
    <Modal title={`Rename ${user.username}`} onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate({ kind: 'update', userId: user.id, patch: { username: username.trim() } });
        }}
      >
        <Field label="New username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" required />
        <InlineError error={rename.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={rename.isPending} disabled={username.trim() === user.username}>
            Rename
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function PasswordDialog({ user, onClose }: { user: UserDto; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const reset = useUserChange(onClose);
  return (
    <Modal title={`Reset the password of ${user.username}`} onClose={onClose}>
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          reset.mutate({ kind: 'password', userId: user.id, password });
        }}
      >
        <Field
          label="New password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          minLength={8}
          required
          hint="Their current sessions and API key stop working."
        />
        <InlineError error={reset.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={reset.isPending}>
            Set password
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function DeleteDialog({ user, onClose }: { user: UserDto; onClose: () => void }) {
  const del = useUserChange(onClose);
  return (
    <Modal title={`Delete ${user.username}?`} onClose={onClose}>
      <p className="text-sm text-stone-700">The account is removed for good: they can no longer log in and lose access to every project.</p>
      <InlineError error={del.error} />
      <div className="mt-4 flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="danger" busy={del.isPending} onClick={() => del.mutate({ kind: 'delete', userId: user.id })}>
          Delete user
        </Button>
      </div>
    </Modal>
  );
}
