// The task page's New chat (docs/behaviour/chat.md): a compact composer that
// starts a manual chat about the task — a provider among the ones the user
// connected, a model and effort (the settings' vocabulary, starting from the
// model set for implementation), and the first message with the chat box's
// slash commands and attachments — then opens the new conversation.
import { useId, useState } from 'react';
import { MessageSquarePlus } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { isApiError } from '../../lib/api';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { paths } from '../../lib/routing';
import type { AgentSettingsResponse, ChatMessageBody, ProviderName, RoleModel, TaskDto } from '@bottega/protocol';
import { Button, ErrorState, LoadingState, Select } from '../../ui';
import { Composer } from '../chat/composer';
import { useOpencodeModels } from '../settings/opencode-connect';
import { PROVIDER_LABELS, useProviders } from '../settings/providers';
import { EFFORT_LEVELS, selectableProviders, SUGGESTED_MODELS, switchProvider } from '../settings/vocabulary';

/** The role whose model a new chat starts from: a chat about the task is closest to implementing it. */
const DEFAULT_ROLE = 'implementation';

/** The starting choice: the implementation role's model when its provider is connected, else the first connected provider. */
export function initialChatModel(stored: AgentSettingsResponse['settings'], connected: readonly ProviderName[]): RoleModel | null {
  const role = stored?.[DEFAULT_ROLE];
  if (role && connected.includes(role.provider)) return role;
  const provider = connected[0];
  if (!provider) return null;
  return { provider, model: SUGGESTED_MODELS[provider][0] ?? '', effort: null };
}

export function NewChat({ task }: { task: TaskDto }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <Button variant="secondary" icon={MessageSquarePlus} onClick={() => setOpen(true)}>
        New chat
      </Button>
    );
  return <NewChatPanel task={task} onCancel={() => setOpen(false)} />;
}

function NewChatPanel({ task, onCancel }: { task: TaskDto; onCancel: () => void }) {
  const providers = useProviders();
  // Stored settings the server cannot read (CONFLICT) just mean no default.
  const settings = useQuery({ queryKey: keys.agentSettings, queryFn: () => api.get('/api/agent-settings'), retry: false });
  if (providers.isPending || (settings.isPending && !settings.isError)) return <LoadingState label="Loading your models…" />;
  if (providers.isError) return <ErrorState error={providers.error} retry={() => void providers.refetch()} />;
  if (settings.isError && !isApiError(settings.error, 'CONFLICT'))
    return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  const connected = selectableProviders(providers.data.providers);
  const initial = initialChatModel(settings.data?.settings ?? null, connected);
  return (
    <div role="group" aria-label="New chat" className="rounded-md border border-indigo-200 bg-indigo-50/40 p-3">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">New chat about this task</h3>
        <Button variant="ghost" className="!px-2 !py-1 text-xs" onClick={onCancel}>
          Cancel
        </Button>
      </div>
      {initial === null ? (
        <p className="text-sm text-stone-700">
          <Link to={paths.settings('providers')} className="text-indigo-700 underline">
            Connect a provider
          </Link>{' '}
          to chat with a model.
        </p>
      ) : (
        <ChatStarter task={task} connected={connected} initial={initial} />
      )}
    </div>
  );
}

function ChatStarter({ task, connected, initial }: { task: TaskDto; connected: ProviderName[]; initial: RoleModel }) {
  const navigate = useNavigate();
  const [choice, setChoice] = useState<RoleModel>(initial);
  const listId = useId();
  const live = useOpencodeModels(choice.provider === 'opencode');
  const suggestions = choice.provider === 'opencode' ? (live.data?.models.map((m) => m.id) ?? []) : SUGGESTED_MODELS[choice.provider];
  const levels = EFFORT_LEVELS[choice.provider];
  const model = choice.model.trim();

  const start = async (body: ChatMessageBody) => {
    const { conversation } = await api.post('/api/tasks/:taskId/conversations', {
      params: { taskId: task.id },
      body: { provider: choice.provider, model, ...(choice.effort ? { effort: choice.effort } : {}), ...body },
    });
    void navigate(paths.chat(task.projectId, task.id, conversation.id));
  };

  return (
    <div className="flex flex-col gap-2">
      <div className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-[auto_minmax(0,1fr)_auto]">
        <Select
          label="Provider"
          labelClassName="text-xs text-stone-600"
          className="gap-0.5"
          value={choice.provider}
          options={connected.map((p) => ({ value: p, label: PROVIDER_LABELS[p] }))}
          onValueChange={(provider: ProviderName) => {
            const next = switchProvider(choice, provider);
            setChoice({ ...next, model: SUGGESTED_MODELS[provider][0] ?? '' });
          }}
        />
        <label className="flex min-w-0 flex-col gap-0.5">
          <span className="text-xs text-stone-600">Model</span>
          <input
            list={listId}
            value={choice.model}
            spellCheck={false}
            onChange={(e) => setChoice({ ...choice, model: e.target.value })}
            className="min-w-0 rounded-md border border-stone-300 bg-white px-2 py-1.5 font-mono text-xs"
          />
          <datalist id={listId}>
            {suggestions.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        {levels && (
          <Select
            label="Effort"
            labelClassName="text-xs text-stone-600"
            className="gap-0.5"
            value={choice.effort}
            options={[{ value: null, label: 'Default' }, ...levels.map((l) => ({ value: l, label: l }))]}
            onValueChange={(effort: string | null) => setChoice({ ...choice, effort })}
          />
        )}
      </div>
      <Composer
        taskId={task.id}
        provider={choice.provider}
        streaming={false}
        send={start}
        onSent={() => undefined}
        submitLabel="Start chat"
        placeholder="Ask about this task… (/ for commands)"
        blockedReason={model === '' ? 'Choose a model to start the chat.' : null}
      />
    </div>
  );
}
