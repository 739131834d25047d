// Settings → Agent models: provider, model and effort for each of the six
// agent roles, limited to the providers the user connected. All six are saved
// together; the server validates and its 400 is shown as it says it.
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { agentTypes, type AgentType, type ProviderName, type AgentSettingsResponse } from '@bottega/protocol';
import { api, isApiError } from '../../lib/api';
import { keys } from '../../lib/keys';
import { paths } from '../../lib/routing';
import { Button, EmptyState, ErrorState, InlineError, LoadingState, Select } from '../../ui';
import { PROVIDER_LABELS, useProviders } from './providers';
import { useOpencodeModels } from './opencode-connect';
import {
  EFFORT_LEVELS,
  initialSettings,
  ROLE_LABELS,
  roleProblems,
  selectableProviders,
  SUGGESTED_MODELS,
  switchProvider,
  type RoleSettings,
} from './vocabulary';

export function ModelsSection() {
  const providers = useProviders();
  const settings = useQuery({ queryKey: keys.agentSettings, queryFn: () => api.get('/api/agent-settings'), retry: false });
  // Kept here: the form starts afresh from whatever the server stored after a save.
  const [saved, setSaved] = useState(false);
  if (providers.isPending || settings.isPending) return <LoadingState />;
  if (providers.isError) return <ErrorState error={providers.error} retry={() => void providers.refetch()} />;
  // Stored settings the server cannot read (CONFLICT) are re-entered from blanks; anything else is an error.
  if (settings.isError && !isApiError(settings.error, 'CONFLICT'))
    return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  const connected = selectableProviders(providers.data.providers);
  if (connected.length === 0)
    return (
      <EmptyState title="No provider connected">
        <Link to={paths.settings('providers')} className="text-indigo-700 underline">
          Connect a provider
        </Link>{' '}
        first; models can be chosen once one is connected.
      </EmptyState>
    );
  const stored = settings.data?.settings ?? null;
  return (
    <>
      {settings.isError && (
        <p role="alert" className="mb-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {settings.error.message}
        </p>
      )}
      <ModelsForm
        key={JSON.stringify(stored)}
        initial={initialSettings(stored, connected)}
        connected={connected}
        saved={saved}
        onSaved={setSaved}
      />
    </>
  );
}

export function ModelsForm({
  initial,
  connected,
  saved,
  onSaved,
}: {
  initial: RoleSettings;
  connected: ProviderName[];
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<RoleSettings>(initial);
  const save = useMutation({
    mutationFn: (settings: RoleSettings) => api.put('/api/agent-settings', { body: { settings } }),
    onMutate: () => onSaved(false),
    onSuccess: (res) => {
      onSaved(true);
      qc.setQueryData<AgentSettingsResponse>(keys.agentSettings, res);
    },
  });
  const problems = roleProblems(draft, connected);
  const update = (role: AgentType, next: RoleSettings[AgentType]) => {
    onSaved(false);
    setDraft((d) => ({ ...d, [role]: next }));
  };
  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(draft);
      }}
    >
      <ul className="flex flex-col gap-3">
        {agentTypes.map((role) => (
          <li key={role}>
            <RolePicker
              role={role}
              value={draft[role]}
              connected={connected}
              problem={problems[role]}
              onChange={(next) => update(role, next)}
            />
          </li>
        ))}
      </ul>
      <InlineError error={save.error} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={Object.keys(problems).length > 0}>
          Save models
        </Button>
        {saved && (
          <span role="status" className="text-sm text-green-700">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function RolePicker({
  role,
  value,
  connected,
  problem,
  onChange,
}: {
  role: AgentType;
  value: RoleSettings[AgentType];
  connected: ProviderName[];
  problem?: string;
  onChange: (v: RoleSettings[AgentType]) => void;
}) {
  const levels = EFFORT_LEVELS[value.provider];
  const listId = `models-${role}`;
  // OpenCode's models come from the user's live server, never a built-in list.
  const live = useOpencodeModels(value.provider === 'opencode');
  const suggestions = value.provider === 'opencode' ? (live.data?.models.map((m) => m.id) ?? []) : SUGGESTED_MODELS[value.provider];
  const providerOptions = connected.includes(value.provider) ? connected : [value.provider, ...connected];
  return (
    <fieldset className="rounded-lg border border-stone-200 bg-white p-3" data-role={role}>
      <legend className="px-1 text-sm font-semibold">{ROLE_LABELS[role]}</legend>
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
        <Select
          label="Provider"
          labelClassName="text-sm text-stone-600"
          aria-label={`${ROLE_LABELS[role]} provider`}
          value={value.provider}
          options={providerOptions.map((p) => ({
            value: p,
            label: PROVIDER_LABELS[p],
            ...(connected.includes(p) ? {} : { disabled: true, hint: 'Not connected' }),
          }))}
          onValueChange={(provider: ProviderName) => onChange(switchProvider(value, provider))}
        />
        <label className="flex flex-col gap-1 text-sm">
          <span className="text-stone-600">Model</span>
          <input
            aria-label={`${ROLE_LABELS[role]} model`}
            className="rounded-md border border-stone-300 px-2 py-1.5"
            list={listId}
            value={value.model}
            spellCheck={false}
            onChange={(e) => onChange({ ...value, model: e.target.value })}
          />
          <datalist id={listId}>
            {suggestions.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        {/* A provider without an effort knob (OpenCode) shows no effort picker at all. */}
        {levels && (
          <Select
            label="Effort"
            labelClassName="text-sm text-stone-600"
            aria-label={`${ROLE_LABELS[role]} effort`}
            value={value.effort}
            options={[{ value: null, label: 'Provider default' }, ...levels.map((l) => ({ value: l, label: l }))]}
            onValueChange={(effort: string | null) => onChange({ ...value, effort })}
          />
        )}
      </div>
      {problem && <p className="mt-2 text-xs text-red-700">{problem}</p>}
    </fieldset>
  );
}
