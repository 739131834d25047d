// A cloned project's card state: progress from live events, the failure's
// explanation with Retry and Delete for owners (and not for members), and the
// list refetched once the clone is done.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { ProjectDto } from '@bottega/protocol';
import { keys } from '../../lib/keys';
import { applyServerEvent, applySubscribed } from '../../lib/live';
import { renderWithClient, stubApi } from '../settings/test-support';
import { CloneStatus } from './clone-status';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const project = (over: Partial<ProjectDto> = {}): ProjectDto => ({
  id: 3,
  name: 'Widgets',
  repoPath: '/srv/repos/widgets',
  subprojectPath: null,
  ownerId: 1,
  cloneUrl: 'https://github.com/acme/widgets.git',
  clone: { status: 'cloning', phase: null, percent: null, error: null },
  role: 'owner',
  canManage: true,
  isGitRepo: false,
  taskCounts: { pending: 0, in_progress: 0, in_review: 0, completed: 0 },
  createdAt: '',
  updatedAt: '',
  ...over,
});

describe('CloneStatus', () => {
  it('follows project.clone events into the cached list, and refetches it when done', async () => {
    const { qc } = renderWithClient(<div />);
    qc.setQueryData(keys.projects, [project()]);
    applyServerEvent(qc, {
      type: 'project.clone',
      projectId: 3,
      clone: { status: 'cloning', phase: 'Receiving objects', percent: 42, error: null },
    });
    expect(qc.getQueryData<ProjectDto[]>(keys.projects)?.[0]?.clone).toEqual({
      status: 'cloning',
      phase: 'Receiving objects',
      percent: 42,
      error: null,
    });
    const p = qc.getQueryData<ProjectDto[]>(keys.projects)![0]!;
    renderWithClient(<CloneStatus project={p} clone={p.clone!} />);
    expect(screen.getByRole('progressbar', { name: 'Cloning Widgets' }).getAttribute('aria-valuenow')).toBe('42');
    expect(screen.getByText(/Receiving objects/)).toBeTruthy();

    applyServerEvent(qc, { type: 'project.clone', projectId: 3, clone: null });
    expect(qc.getQueryData<ProjectDto[]>(keys.projects)?.[0]?.clone).toBeNull();
    expect(qc.getQueryState(keys.projects)?.isInvalidated).toBe(true);
  });

  it('re-reads the list on a failure, so a list read from before the failure cannot put the card back to cloning', () => {
    const { qc } = renderWithClient(<div />);
    qc.setQueryData(keys.projects, [project()]);
    applyServerEvent(qc, { type: 'project.clone', projectId: 3, clone: { status: 'cloning', phase: null, percent: 5, error: null } });
    expect(qc.getQueryState(keys.projects)?.isInvalidated).toBe(false);
    applyServerEvent(qc, {
      type: 'project.clone',
      projectId: 3,
      clone: { status: 'failed', phase: null, percent: null, error: 'repository not found' },
    });
    expect(qc.getQueryData<ProjectDto[]>(keys.projects)?.[0]?.clone?.status).toBe('failed');
    expect(qc.getQueryState(keys.projects)?.isInvalidated).toBe(true);
  });

  it('re-reads the list when a card still cloning is subscribed, since a fast failure may have been missed', () => {
    const { qc } = renderWithClient(<div />);
    qc.setQueryData(keys.projects, [project({ id: 3 }), project({ id: 4, clone: null })]);
    applySubscribed(qc, { projectId: 4 });
    expect(qc.getQueryState(keys.projects)?.isInvalidated).toBe(false);
    applySubscribed(qc, { projectId: 3 });
    expect(qc.getQueryState(keys.projects)?.isInvalidated).toBe(true);
  });

  it('explains a failure and lets the owner retry', async () => {
    const failed = project({ clone: { status: 'failed', phase: null, percent: null, error: 'repository not found: check the URL' } });
    const calls = stubApi({ 'POST /api/projects/3/clone': { status: 202, body: { project: project() } } });
    renderWithClient(<CloneStatus project={failed} clone={failed.clone!} />);
    expect(screen.getByRole('alert').textContent).toContain('repository not found: check the URL');
    fireEvent.click(screen.getByRole('button', { name: 'Retry clone' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/api/projects/3/clone')).toBe(true));
    expect(screen.getByRole('button', { name: 'Delete project' })).toBeTruthy();
  });

  it('offers members who are not owners no retry or delete', () => {
    const failed = project({
      role: 'member',
      canManage: false,
      clone: { status: 'failed', phase: null, percent: null, error: 'network error' },
    });
    renderWithClient(<CloneStatus project={failed} clone={failed.clone!} />);
    expect(screen.queryByRole('button', { name: 'Retry clone' })).toBeNull();
    expect(screen.getByText('Its owner can retry or delete it.')).toBeTruthy();
  });
});
