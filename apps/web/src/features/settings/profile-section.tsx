// Settings → Profile: how technical the user is (which changes how planning
// treats them, docs/behaviour/accounts.md#non-technical-users), the git identity used for their commits, and their
// password; also this browser's theme. Every change to the user writes the updated user into the session.
import { useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { useMe, useSetSessionUser } from '../../app/session';
import { Button, Checkbox, Field, InlineError, ThemePicker } from '../../ui';

type ProfilePatch = { isTechnical?: boolean; gitName?: string | null; gitEmail?: string | null };

function useUpdateProfile(onDone?: () => void) {
  const setUser = useSetSessionUser();
  return useMutation({
    mutationFn: (patch: ProfilePatch) => api.patch('/api/auth/profile', { body: patch }),
    onSuccess: (res) => {
      setUser(res.user);
      onDone?.();
    },
  });
}

export function ProfileSection() {
  return (
    <div className="flex flex-col gap-6">
      <TechnicalToggle />
      <GitIdentity />
      <ChangePassword />
      <Appearance />
    </div>
  );
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-stone-200 bg-white p-4" aria-label={title}>
      <h3 className="mb-3 font-semibold">{title}</h3>
      {children}
    </section>
  );
}

function TechnicalToggle() {
  const me = useMe();
  const update = useUpdateProfile();
  const on = me.isTechnical;
  return (
    <Card title="How the agents work with you">
      <Checkbox
        label="I am technical"
        description={
          on
            ? 'The planning agent asks you about technical choices and waits for you to approve its plan before any code is written.'
            : 'The planning agent makes the technical choices for you, notes them in the task’s overview, and goes straight on to building — you are not asked to approve a plan.'
        }
        checked={on}
        disabled={update.isPending}
        onCheckedChange={(isTechnical) => update.mutate({ isTechnical })}
      />
      <InlineError error={update.error} />
    </Card>
  );
}

function GitIdentity() {
  const me = useMe();
  const [name, setName] = useState(me.gitName ?? '');
  const [email, setEmail] = useState(me.gitEmail ?? '');
  const [saved, setSaved] = useState(false);
  const update = useUpdateProfile(() => setSaved(true));
  return (
    <Card title="Git identity">
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          update.mutate({ gitName: name.trim() === '' ? null : name.trim(), gitEmail: email.trim() === '' ? null : email.trim() });
        }}
      >
        <p className="text-sm text-stone-600">
          The name and email on commits agents make for you. Leave empty to use the server’s default.
        </p>
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
          <Field label="Git name" value={name} autoComplete="name" onChange={(e) => setName(e.target.value)} />
          <Field label="Git email" type="email" value={email} autoComplete="email" onChange={(e) => setEmail(e.target.value)} />
        </div>
        <InlineError error={update.error} />
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" busy={update.isPending}>
            Save git identity
          </Button>
          {saved && (
            <span role="status" className="text-sm text-green-700">
              Saved.
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}

function ChangePassword() {
  const setUser = useSetSessionUser();
  const qc = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const change = useMutation({
    mutationFn: () => api.post('/api/auth/password', { body: { currentPassword: current, newPassword: next } }),
    gcTime: 0,
    onSuccess: (res) => {
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
      setUser(res.user);
      // The server revoked the API key along with every other login.
      void qc.invalidateQueries({ queryKey: keys.apiKey });
    },
  });
  const mismatch = repeat !== '' && next !== repeat;
  return (
    <Card title="Password">
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          if (!mismatch) change.mutate();
        }}
      >
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          required
          hint="At least 8 characters."
        />
        <Field
          label="Repeat new password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          required
          error={mismatch ? 'The passwords differ.' : null}
        />
        <p className="text-xs text-stone-500">
          Changing it logs you out everywhere else (other browsers and sessions) and revokes your API key.
        </p>
        <InlineError error={change.error} />
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" busy={change.isPending} disabled={mismatch}>
            Change password
          </Button>
          {done && (
            <span role="status" className="text-sm text-green-700">
              Password changed.
            </span>
          )}
        </div>
      </form>
    </Card>
  );
}

function Appearance() {
  return (
    <Card title="Appearance">
      <p id="theme-help" className="mb-3 text-sm text-stone-600">
        System follows this device’s light or dark setting. The choice is kept in this browser.
      </p>
      <ThemePicker describedBy="theme-help" />
    </Card>
  );
}
