// Admin → Instance settings: the GitHub handle whose @mention in a pull-request
// comment summons the PR agent (SPEC §8).
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { Button, ErrorState, Field, InlineError, LoadingState } from '../../ui';

interface InstanceSettings {
  triggerHandle: string;
}

export function InstancePanel() {
  const settings = useQuery({ queryKey: keys.adminSettings, queryFn: () => api.get<InstanceSettings>('/api/admin/settings'), retry: false });
  if (settings.isPending) return <LoadingState />;
  if (settings.isError) return <ErrorState error={settings.error} retry={() => void settings.refetch()} />;
  return <InstanceForm initial={settings.data} />;
}

function InstanceForm({ initial }: { initial: InstanceSettings }) {
  const qc = useQueryClient();
  const [handle, setHandle] = useState(initial.triggerHandle);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => api.patch<InstanceSettings>('/api/admin/settings', { triggerHandle: handle.trim().replace(/^@/, '') }),
    onSuccess: (res) => {
      setSaved(true);
      qc.setQueryData(keys.adminSettings, res);
    },
  });
  return (
    <form
      className="flex flex-col gap-3 sm:max-w-md"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate();
      }}
    >
      <Field
        label="Trigger handle"
        value={handle}
        onChange={(e) => {
          setSaved(false);
          setHandle(e.target.value);
        }}
        hint="Mentioning @handle in a pull-request comment or review asks the PR agent to address it."
        required
      />
      <InlineError error={save.error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={handle.trim() === initial.triggerHandle}>
          Save
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
