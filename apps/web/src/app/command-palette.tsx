// The command palette (docs/behaviour/web-app.md#search), opened by `/`,
// Ctrl/⌘+K or the header's search button: tasks across every project the user
// may open, searched on the server as they type (debounced), then their
// projects and the app's screens, filtered here. Arrow keys move, Enter opens,
// Escape closes. Loaded on first use.
import { useEffect, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { needsYou, type TaskSearchHitDto } from '@bottega/protocol';
import { FolderKanban, Inbox, LayoutGrid, Settings, ShieldCheck, SquareCheckBig } from 'lucide-react';
import { api } from '../lib/api';
import { keys } from '../lib/keys';
import { paths } from '../lib/routing';
import { columnLabels } from '../features/board/columns';
import { ErrorState, LiveDot } from '../ui';
import { CommandDialog, CommandEmpty, CommandGroup, CommandInput, CommandItem, CommandList } from '../ui/command-dialog';
import { useMe } from './session';

/** How long typing must pause before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 150;
const TASK_LIMIT = 12;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

const includes = (text: string, q: string) => text.toLowerCase().includes(q.toLowerCase());

export default function CommandPalette({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const me = useMe();
  const navigate = useNavigate();
  const [input, setInput] = useState('');
  const q = input.trim();
  const debounced = useDebounced(q, SEARCH_DEBOUNCE_MS);
  const tasks = useQuery({
    queryKey: keys.taskSearch(debounced),
    queryFn: async ({ signal }) => (await api.get('/api/search/tasks', { query: { q: debounced, limit: TASK_LIMIT }, signal })).tasks,
    enabled: open,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const projects = useQuery({
    queryKey: keys.projects,
    queryFn: async ({ signal }) => (await api.get('/api/projects', { signal })).projects,
    enabled: open,
  });

  // Each opening starts from an empty field.
  useEffect(() => {
    if (!open) setInput('');
  }, [open]);

  const go = (to: string) => {
    onOpenChange(false);
    void navigate(to);
  };
  const screens = [
    { label: 'Projects', to: paths.dashboard(), icon: <LayoutGrid /> },
    { label: 'Inbox', to: paths.inbox(), icon: <Inbox /> },
    { label: 'Settings', to: paths.settings(), icon: <Settings /> },
    ...(me.isAdmin ? [{ label: 'Admin', to: paths.admin(), icon: <ShieldCheck /> }] : []),
  ].filter((s) => includes(s.label, q));
  const matchingProjects = (projects.data ?? []).filter((p) => includes(p.name, q)).slice(0, 8);
  const hits = tasks.data ?? [];
  const searching = tasks.isFetching || q !== debounced;

  // The first result is highlighted whenever the results change (tasks arrive after projects and screens).
  const values = [
    ...hits.map((h) => `task-${h.task.id}`),
    ...matchingProjects.map((p) => `project-${p.id}`),
    ...screens.map((s) => `screen-${s.to}`),
  ];
  const [selected, setSelected] = useState('');
  const order = values.join(' ');
  useEffect(() => setSelected(order.split(' ')[0] ?? ''), [order]);

  return (
    <CommandDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Search"
      description="Find a task in any of your projects, a project or a screen. Arrow keys move, Enter opens, Escape closes."
      label="Search tasks, projects and screens"
      selected={selected}
      onSelectedChange={setSelected}
    >
      <CommandInput
        value={input}
        onValueChange={setInput}
        placeholder="Search tasks by title or #id, projects, screens…"
        busy={searching}
      />
      <CommandList label="Results">
        {tasks.isError && (
          <div className="p-2">
            <ErrorState error={tasks.error} retry={() => void tasks.refetch()} />
          </div>
        )}
        {!searching && <CommandEmpty>No task, project or screen matches “{q}”.</CommandEmpty>}
        {hits.length > 0 && (
          <CommandGroup heading={q === '' ? 'Recent tasks' : 'Tasks'}>
            {hits.map((hit) => (
              <TaskItem key={hit.task.id} hit={hit} onSelect={() => go(paths.task(hit.task.projectId, hit.task.id))} />
            ))}
          </CommandGroup>
        )}
        {matchingProjects.length > 0 && (
          <CommandGroup heading="Projects">
            {matchingProjects.map((p) => (
              <CommandItem key={p.id} value={`project-${p.id}`} onSelect={() => go(paths.board(p.id))}>
                <Icon>
                  <FolderKanban />
                </Icon>
                <span className="min-w-0 flex-1 truncate">{p.name}</span>
                <span className="shrink-0 text-xs text-stone-600">Board</span>
              </CommandItem>
            ))}
          </CommandGroup>
        )}
        {screens.length > 0 && (
          <CommandGroup heading="Go to">
            {screens.map((s) => (
              <CommandItem key={s.to} value={`screen-${s.to}`} onSelect={() => go(s.to)}>
                <Icon>{s.icon}</Icon>
                <span className="flex-1">{s.label}</span>
              </CommandItem>
            ))}
          </CommandGroup>
        )}
      </CommandList>
      <p className="hidden border-t border-stone-200 px-3 py-2 text-xs text-stone-500 sm:block" aria-hidden>
        <kbd className="font-mono">↑</kbd> <kbd className="font-mono">↓</kbd> to move · <kbd className="font-mono">Enter</kbd> to open ·{' '}
        <kbd className="font-mono">Esc</kbd> to close · <kbd className="font-mono">#12</kbd> finds task 12
      </p>
    </CommandDialog>
  );
}

function Icon({ children }: { children: ReactNode }) {
  return (
    <span aria-hidden className="shrink-0 text-stone-400 [&>svg]:h-4 [&>svg]:w-4">
      {children}
    </span>
  );
}

function TaskItem({ hit, onSelect }: { hit: TaskSearchHitDto; onSelect: () => void }) {
  const { task } = hit;
  const waiting = task.board ? needsYou({ ...task, ...task.board }, hit.liveRun)[0] : undefined;
  return (
    <CommandItem value={`task-${task.id}`} onSelect={onSelect}>
      <Icon>
        <SquareCheckBig />
      </Icon>
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium">{task.title}</span>
        <span className="block truncate text-xs text-stone-600">
          #{task.id} · {hit.projectName} · {columnLabels[task.status]}
        </span>
      </span>
      {hit.liveRun && <LiveDot label="An agent is working" />}
      {waiting && (
        <span className="shrink-0 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800" title={waiting.detail}>
          {waiting.label}
        </span>
      )}
    </CommandItem>
  );
}
