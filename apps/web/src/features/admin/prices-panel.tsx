// Admin → Model prices: the one table costs are computed from (US dollars per
// million tokens per provider and model). A model missing here shows tokens
// without a cost everywhere; a provider's own figure is used for priced models.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { providerNames, type ModelPriceDto, type ProviderName, type PutModelPriceBody } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, EmptyState, ErrorState, Field, InlineError, LoadingState, Select } from '../../ui';

type PriceFields = 'inputPerMTok' | 'outputPerMTok' | 'cacheReadPerMTok' | 'cacheWritePerMTok';
const FIELDS: { key: PriceFields; label: string }[] = [
  { key: 'inputPerMTok', label: 'Input' },
  { key: 'outputPerMTok', label: 'Output' },
  { key: 'cacheReadPerMTok', label: 'Cache read' },
  { key: 'cacheWritePerMTok', label: 'Cache write' },
];

interface Draft {
  provider: ProviderName;
  model: string;
  values: Record<PriceFields, string>;
}

const emptyDraft = (): Draft => ({
  provider: 'anthropic',
  model: '',
  values: { inputPerMTok: '', outputPerMTok: '', cacheReadPerMTok: '', cacheWritePerMTok: '' },
});

function draftOf(p: ModelPriceDto): Draft {
  return {
    provider: p.provider,
    model: p.model,
    values: {
      inputPerMTok: String(p.inputPerMTok),
      outputPerMTok: String(p.outputPerMTok),
      cacheReadPerMTok: String(p.cacheReadPerMTok),
      cacheWritePerMTok: String(p.cacheWritePerMTok),
    },
  };
}

/** The body to send, or null while a field is not a non-negative number. */
function bodyOf(d: Draft): PutModelPriceBody | null {
  const n = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
  const values = FIELDS.map((f) => n(d.values[f.key]));
  if (!d.model.trim() || values.some((v) => !Number.isFinite(v) || v < 0)) return null;
  return {
    provider: d.provider,
    model: d.model.trim(),
    inputPerMTok: values[0] ?? 0,
    outputPerMTok: values[1] ?? 0,
    cacheReadPerMTok: values[2] ?? 0,
    cacheWritePerMTok: values[3] ?? 0,
  };
}

export function PricesPanel() {
  const qc = useQueryClient();
  const prices = useQuery({ queryKey: keys.adminPrices, queryFn: async () => (await api.get('/api/admin/prices')).prices, retry: false });
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const save = useMutation({
    mutationFn: (body: PutModelPriceBody) => api.put('/api/admin/prices', { body }),
    onSuccess: () => {
      setDraft(emptyDraft());
      void qc.invalidateQueries({ queryKey: keys.adminPrices });
    },
  });
  const remove = useMutation({
    mutationFn: (p: ModelPriceDto) => api.delete('/api/admin/prices', { body: { provider: p.provider, model: p.model } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.adminPrices }),
  });
  if (prices.isPending) return <LoadingState />;
  if (prices.isError) return <ErrorState error={prices.error} retry={() => void prices.refetch()} />;
  const body = bodyOf(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body) save.mutate(body);
  };
  return (
    <div className="flex flex-col gap-4 text-sm">
      <p className="text-stone-600 sm:max-w-2xl">
        US dollars per million tokens. Runs of a model missing here show their tokens without a cost. The model id must be exactly what runs
        use (as shown in the run history).
      </p>
      {prices.data.length === 0 ? (
        <EmptyState title="No prices yet" />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[36rem]" aria-label="Model prices">
            <thead>
              <tr className="text-left text-xs text-stone-500">
                <th className="py-1 pr-3 font-normal">Provider</th>
                <th className="py-1 pr-3 font-normal">Model</th>
                {FIELDS.map((f) => (
                  <th key={f.key} className="py-1 pr-3 text-right font-normal">
                    {f.label}
                  </th>
                ))}
                <th />
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {prices.data.map((p) => (
                <tr key={`${p.provider}/${p.model}`} data-testid={`price-${p.model}`}>
                  <td className="py-1 pr-3">{p.provider}</td>
                  <td className="py-1 pr-3 font-mono text-xs">{p.model}</td>
                  {FIELDS.map((f) => (
                    <td key={f.key} className="py-1 pr-3 text-right tabular-nums">
                      ${p[f.key]}
                    </td>
                  ))}
                  <td className="py-1 text-right whitespace-nowrap">
                    <Button variant="ghost" onClick={() => setDraft(draftOf(p))} aria-label={`Edit the price of ${p.model}`}>
                      Edit
                    </Button>
                    <Button
                      variant="ghost"
                      onClick={() => remove.mutate(p)}
                      busy={remove.isPending && remove.variables.model === p.model}
                      aria-label={`Delete the price of ${p.model}`}
                    >
                      Delete
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <InlineError error={remove.error} />
      <form
        onSubmit={submit}
        className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-3 sm:max-w-2xl"
        aria-label="Set a model price"
      >
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-[10rem_1fr]">
          <Select
            label="Provider"
            value={draft.provider}
            options={providerNames.map((n) => ({ value: n, label: n }))}
            onValueChange={(provider: ProviderName) => setDraft({ ...draft, provider })}
          />
          <Field
            label="Model"
            value={draft.model}
            onChange={(e) => setDraft({ ...draft, model: e.target.value })}
            placeholder="claude-sonnet-4-5"
          />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          {FIELDS.map((f) => (
            <Field
              key={f.key}
              label={`${f.label} $/MTok`}
              inputMode="decimal"
              value={draft.values[f.key]}
              onChange={(e) => setDraft({ ...draft, values: { ...draft.values, [f.key]: e.target.value } })}
            />
          ))}
        </div>
        <div className="flex items-center gap-2">
          <Button type="submit" variant="primary" disabled={!body} busy={save.isPending}>
            Save price
          </Button>
          <InlineError error={save.error} />
        </div>
      </form>
    </div>
  );
}
