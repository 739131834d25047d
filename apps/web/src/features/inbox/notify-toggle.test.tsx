// "Notify me": the permission asked on the click and the choice kept per
// browser; refused or missing notifications said plainly; and a new inbox item
// (not the ones there when the tab opened) raising a notification when on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { InboxItemDto } from '@bottega/protocol';
import { NOTIFY_STORAGE_KEY, useInboxNotifications } from './inbox-live';
import { NotifyToggle } from './notify-toggle';

const shown: { title: string; options: NotificationOptions | undefined }[] = [];

function stubNotification(permission: NotificationPermission, answer: NotificationPermission = permission) {
  const requestPermission = vi.fn(async () => {
    Fake.permission = answer;
    return answer;
  });
  class Fake {
    static permission: NotificationPermission = permission;
    static requestPermission = requestPermission;
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, options });
    }
  }
  vi.stubGlobal('Notification', Fake);
  return requestPermission;
}

beforeEach(() => {
  shown.length = 0;
  window.localStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const item = (taskId: number, over: Partial<InboxItemDto> = {}): InboxItemDto => ({
  projectId: 1,
  projectName: 'Shop',
  taskId,
  taskTitle: `Task ${taskId}`,
  reason: 'plan',
  label: 'Plan to approve',
  detail: 'The plan is ready: read it, then start implementation to approve it.',
  since: '2030-01-01T00:00:00.000Z',
  conversationId: null,
  ...over,
});

function Watcher({ items, open }: { items: InboxItemDto[] | undefined; open: (href: string) => void }) {
  useInboxNotifications(items, open);
  return null;
}

describe('NotifyToggle', () => {
  it('asks for permission on the click and keeps the choice in this browser', async () => {
    const ask = stubNotification('default', 'granted');
    render(<NotifyToggle />);
    const box = screen.getByRole<HTMLButtonElement>('checkbox', { name: 'Notify me' });
    expect(box.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(box);
    await waitFor(() => expect(box.getAttribute('aria-checked')).toBe('true'));
    expect(ask).toHaveBeenCalledOnce();
    expect(window.localStorage.getItem(NOTIFY_STORAGE_KEY)).toBe('on');
    fireEvent.click(box);
    expect(box.getAttribute('aria-checked')).toBe('false');
    expect(window.localStorage.getItem(NOTIFY_STORAGE_KEY)).toBeNull();
  });

  it('says how to allow notifications when the browser blocks them', () => {
    stubNotification('denied');
    render(<NotifyToggle />);
    expect(screen.getByRole<HTMLButtonElement>('checkbox', { name: 'Notify me' }).disabled).toBe(true);
    expect(screen.getByRole('alert').textContent).toMatch(/blocked for this site/);
  });

  it('turns itself off and explains when the user refuses the permission', async () => {
    stubNotification('default', 'denied');
    render(<NotifyToggle />);
    const box = screen.getByRole<HTMLButtonElement>('checkbox', { name: 'Notify me' });
    fireEvent.click(box);
    await waitFor(() => expect(box.disabled).toBe(true));
    expect(box.getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('alert').textContent).toMatch(/blocked for this site/);
    expect(window.localStorage.getItem(NOTIFY_STORAGE_KEY)).toBeNull();
  });

  it('says when the browser has no notifications at all', () => {
    // The test browser, like some real ones, has no Notification API at all.
    expect('Notification' in window).toBe(false);
    render(<NotifyToggle />);
    expect(screen.getByRole<HTMLButtonElement>('checkbox', { name: 'Notify me' }).disabled).toBe(true);
    screen.getByText('This browser cannot show notifications.');
  });
});

describe('useInboxNotifications', () => {
  it('notifies of a new item with its task title and reason, not of those already there', () => {
    stubNotification('granted');
    window.localStorage.setItem(NOTIFY_STORAGE_KEY, 'on');
    const open = vi.fn();
    const { rerender } = render(<Watcher items={[item(1)]} open={open} />);
    expect(shown).toEqual([]);
    rerender(
      <Watcher
        items={[item(1), item(2, { reason: 'question', label: 'Question waiting', detail: 'An agent asked.', conversationId: 7 })]}
        open={open}
      />,
    );
    expect(shown).toEqual([{ title: 'Question waiting: Task 2', options: { body: 'Shop — An agent asked.', tag: '2:question' } }]);
  });

  it('stays quiet when the user has not opted in', () => {
    stubNotification('granted');
    const { rerender } = render(<Watcher items={[]} open={vi.fn()} />);
    rerender(<Watcher items={[item(3)]} open={vi.fn()} />);
    expect(shown).toEqual([]);
  });
});
