// A project's "Pull requests" settings (docs/behaviour/web-app.md#project-settings): how the pull
// request agent brings a branch up to date with a moved default branch (rebase or merge), and how
// many CI rounds it gets before the task stops for a person. Owners and administrators change them;
// other members read them.
import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { MAX_CI_ROUNDS_LIMIT, type PrSettingsDto, type PrUpdateStrategy, type ProjectDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, Checkbox, ErrorState, InlineError, LoadingState } from '../../ui';

const STRATEGIES: { value: PrUpdateStrategy; label: string; meaning: string }[] = [
  {
    value: 'rebase',
    label: 'Rebase onto the default branch',
    meaning: 'Replays the branch’s commits on top of it and force-pushes: a straight history, the commits get new ids.',
  },
  {
    value: 'merge',
    label: 'Merge the default branch in',
    meaning: 'Adds a merge commit to the branch: its commits stay as they were, the history shows the merge.',
  },
];

/** The rounds box's problem, or null when it holds a whole number in range. */
export function roundsProblem(text: string): string | null {
  const t = text.trim();
  if (t === '') return 'Enter a number of rounds.';
  if (!/^\d+$/.test(t)) return 'Enter a whole number.';
  const n = Number(t);
  if (n < 1 || n > MAX_CI_ROUNDS_LIMIT) return `Between 1 and ${MAX_CI_ROUNDS_LIMIT}.`;
  return null;
}

export function usePrSettings(projectId: number) {
  return useQuery({
    queryKey: keys.prSettings(projectId),
    queryFn: async ({ signal }) => (await api.get('/api/projects/:projectId/pr-settings', { params: { projectId }, signal })).prSettings,
  });
}

export function PrSettingsSection({ project }: { project: ProjectDto }) {
  const settings = usePrSettings(project.id);
  return (
    <section aria-labelledby="pr-settings-heading" className="flex flex-col gap-3" data-testid="pr-settings">
      <div>
        <h3 id="pr-settings-heading" className="text-base font-semibold">
          Pull requests
        </h3>
        <p className="text-xs text-stone-500">What the pull request agent does when the default branch moves, and when CI keeps failing.</p>
      </div>
      {settings.isPending ? (
        <LoadingState label="Loading pull request settings…" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} retry={() => void settings.refetch()} />
      ) : (
        <PrSettingsForm projectId={project.id} settings={settings.data} canEdit={project.canManage} />
      )}
    </section>
  );
}

export function PrSettingsForm({ projectId, settings, canEdit }: { projectId: number; settings: PrSettingsDto; canEdit: boolean }) {
  const qc = useQueryClient();
  const roundsId = useId();
  const roundsHintId = useId();
  const [strategy, setStrategy] = useState<PrUpdateStrategy>(settings.updateStrategy);
  const [useDefault, setUseDefault] = useState(settings.maxCiRounds === null);
  const [rounds, setRounds] = useState(String(settings.maxCiRounds ?? settings.instanceMaxCiRounds));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: { updateStrategy: PrUpdateStrategy; maxCiRounds: number | null }) =>
      api.put('/api/projects/:projectId/pr-settings', { params: { projectId }, body }),
    onSuccess: (res) => {
      setSaved(true);
      qc.setQueryData(keys.prSettings(projectId), res.prSettings);
    },
  });
  const problem = useDefault ? null : roundsProblem(rounds);
  const maxCiRounds = useDefault ? null : Number(rounds.trim());
  const changed = strategy !== settings.updateStrategy || maxCiRounds !== settings.maxCiRounds;
  const edited = () => {
    setSaved(false);
    save.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canEdit || problem !== null || !changed) return;
    save.mutate({ updateStrategy: strategy, maxCiRounds });
  };

  return (
    <form className="flex flex-col gap-3 text-sm" onSubmit={submit} aria-label="Pull request settings">
      {!canEdit && (
        <p className="rounded-md bg-stone-100 px-3 py-2 text-xs text-stone-700">
          Only the project’s owners and administrators change these.
        </p>
      )}
      <fieldset className="flex flex-col gap-2" disabled={!canEdit}>
        <legend className="mb-1 font-medium text-stone-700">When the default branch moves</legend>
        {STRATEGIES.map((s) => (
          <label
            key={s.value}
            className={`flex cursor-pointer items-start gap-2 rounded-md border px-3 py-2 ${strategy === s.value ? 'border-indigo-500 bg-indigo-50' : 'border-stone-300'} ${canEdit ? '' : 'cursor-default opacity-80'}`}
          >
            <input
              type="radio"
              name={`pr-strategy-${projectId}`}
              value={s.value}
              checked={strategy === s.value}
              onChange={() => {
                setStrategy(s.value);
                edited();
              }}
              className="mt-0.5 accent-indigo-600"
            />
            <span>
              <span className="font-medium text-stone-900">{s.label}</span>
              <span className="block text-xs text-stone-600">{s.meaning}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="flex flex-col gap-2" disabled={!canEdit}>
        <legend className="mb-1 font-medium text-stone-700">CI rounds before the task stops for you</legend>
        <Checkbox
          label={`Use the instance default (${settings.instanceMaxCiRounds})`}
          checked={useDefault}
          disabled={!canEdit}
          onCheckedChange={(on) => {
            setUseDefault(on);
            edited();
          }}
        />
        <div className="flex flex-col gap-1">
          <label htmlFor={roundsId} className="text-stone-700">
            Rounds for this project
          </label>
          <input
            id={roundsId}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_CI_ROUNDS_LIMIT}
            step={1}
            value={useDefault ? String(settings.instanceMaxCiRounds) : rounds}
            disabled={useDefault || !canEdit}
            onChange={(e) => {
              setRounds(e.target.value);
              edited();
            }}
            aria-invalid={problem ? true : undefined}
            aria-describedby={roundsHintId}
            className={`w-24 rounded-md border px-2.5 py-1.5 text-sm outline-none focus:ring-2 focus:ring-indigo-400 disabled:bg-stone-100 disabled:text-stone-500 ${problem ? 'border-red-500' : 'border-stone-300'}`}
          />
          <p id={roundsHintId} className={`text-xs ${problem ? 'text-red-600' : 'text-stone-500'}`}>
            {problem ??
              `1 to ${MAX_CI_ROUNDS_LIMIT}. A round is one push and its checks; when the last allowed round fails, the task is blocked with the failing log. In force now: ${settings.effectiveMaxCiRounds}.`}
          </p>
        </div>
      </fieldset>
      {canEdit && (
        <>
          <InlineError error={save.error} />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="primary" busy={save.isPending} disabled={!changed || problem !== null}>
              Save pull request settings
            </Button>
            {saved && (
              <span role="status" className="text-green-700">
                Saved.
              </span>
            )}
          </div>
        </>
      )}
    </form>
  );
}
