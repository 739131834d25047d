// Project memberships rendered against a stubbed API: only non-members are
// offered, adding and removing update the list, the last member cannot be
// removed, and the server's refusal is shown.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithClient, stubApi } from '../settings/test-support';
import { optionsOf, pickOption, shownValue } from '../../ui/test-support';
import { addableUsers, MembershipsPanel } from './memberships-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const user = (id: number, username: string, isActive = true) => ({
  id,
  username,
  isActive,
  isAdmin: id === 1,
  isTechnical: true,
  hasCompletedOnboarding: true,
  gitName: null,
  gitEmail: null,
  lastLoginAt: null,
  createdAt: '2025-01-01T00:00:00.000Z',
});
const member = (userId: number, username: string) => ({ userId, username, role: 'member' as const, addedAt: '2025-01-01T00:00:00.000Z' });
const project = {
  id: 7,
  name: 'Atlas',
  repoPath: '/srv/atlas',
  subprojectPath: null,
  ownerId: 1,
  isGitRepo: true,
  taskCounts: { pending: 0, in_progress: 0, in_review: 0, completed: 0 },
  createdAt: '',
  updatedAt: '',
};

describe('addableUsers', () => {
  it('offers everyone who is not a member yet', () => {
    const users = [user(1, 'admin'), user(2, 'bob'), user(3, 'carol', false)];
    expect(addableUsers(users, [member(1, 'admin')]).map((u) => u.username)).toEqual(['bob', 'carol']);
    expect(addableUsers(users, [member(1, 'admin'), member(2, 'bob'), member(3, 'carol')])).toEqual([]);
  });
});

describe('MembershipsPanel', () => {
  it('adds a user, then removes them; the last member stays', async () => {
    let members = [member(1, 'admin')];
    const calls = stubApi({
      'GET /api/projects': { body: { projects: [project] } },
      'GET /api/admin/users': { body: { users: [user(1, 'admin'), user(2, 'bob')] } },
      'GET /api/projects/7/members': () => ({ body: { members } }),
      'POST /api/projects/7/members': () => {
        members = [member(1, 'admin'), member(2, 'bob')];
        return { status: 201, body: { members } };
      },
      'DELETE /api/projects/7/members/2': () => {
        members = [member(1, 'admin')];
        return { body: { members } };
      },
    });
    renderWithClient(<MembershipsPanel />);
    const list = await screen.findByRole('list', { name: 'Members' });
    expect(within(list).getByRole('button', { name: 'Remove' }).hasAttribute('disabled')).toBe(true);
    expect(shownValue('Add a user')).toBe('Choose a user…');
    expect(screen.getByRole('button', { name: 'Add member' }).hasAttribute('disabled')).toBe(true);
    expect(await optionsOf('Add a user')).toEqual(['bob']);

    await pickOption('Add a user', 'bob');
    fireEvent.click(screen.getByRole('button', { name: 'Add member' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ userId: 2 });
    // Everyone is a member now: the picker says so and is off.
    expect(shownValue('Add a user')).toBe('Everyone is already a member');
    expect(screen.getByRole('combobox', { name: 'Add a user' }).hasAttribute('disabled')).toBe(true);

    const bobRow = within(list).getByText('bob').closest('li')!;
    fireEvent.click(within(bobRow).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
  });

  it('shows the server’s refusal', async () => {
    stubApi({
      'GET /api/projects': { body: { projects: [project] } },
      'GET /api/admin/users': { body: { users: [user(1, 'admin'), user(2, 'bob')] } },
      'GET /api/projects/7/members': { body: { members: [member(1, 'admin'), member(2, 'bob')] } },
      'DELETE /api/projects/7/members/2': {
        status: 409,
        body: { error: { code: 'CONFLICT', message: 'a project must keep at least one member' } },
      },
    });
    renderWithClient(<MembershipsPanel />);
    const list = await screen.findByRole('list', { name: 'Members' });
    const bobRow = within(list).getByText('bob').closest('li')!;
    fireEvent.click(within(bobRow).getByRole('button', { name: 'Remove' }));
    expect((await screen.findByRole('alert')).textContent).toBe('a project must keep at least one member');
  });

  it("sets a member's role", async () => {
    let members = [{ ...member(1, 'admin'), role: 'owner' as const }, member(2, 'bob')];
    const calls = stubApi({
      'GET /api/projects': { body: { projects: [project] } },
      'GET /api/admin/users': { body: { users: [user(1, 'admin'), user(2, 'bob')] } },
      'GET /api/projects/7/members': () => ({ body: { members } }),
      'PATCH /api/projects/7/members/2': () => {
        members = [members[0]!, { ...member(2, 'bob'), role: 'owner' as const }];
        return { body: { members } };
      },
    });
    renderWithClient(<MembershipsPanel />);
    await screen.findByRole('combobox', { name: 'Role of bob' });
    expect(shownValue('Role of bob')).toBe('Member');
    expect(shownValue('Role of admin')).toBe('Owner');
    await pickOption('Role of bob', 'Owner');
    await waitFor(() => expect(shownValue('Role of bob')).toBe('Owner'));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ role: 'owner' });
  });

  it('says so when there are no projects', async () => {
    stubApi({ 'GET /api/projects': { body: { projects: [] } } });
    renderWithClient(<MembershipsPanel />);
    expect(await screen.findByText('No projects yet')).toBeTruthy();
  });
});
