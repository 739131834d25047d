// First-run setup (creates the administrator) and login.
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { Button, Field, InlineError } from '../../ui';
import { useSetSessionUser } from '../../app/session';

function AuthCard({ title, intro, children }: { title: string; intro: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border border-stone-200 bg-white p-6 shadow-sm">
        <p className="mb-1 text-sm font-semibold tracking-wide text-indigo-700">Bottega</p>
        <h1 className="text-xl font-semibold">{title}</h1>
        <p className="mb-5 mt-1 text-sm text-stone-600">{intro}</p>
        {children}
      </div>
    </main>
  );
}

function CredentialsForm({
  submitLabel,
  onSubmit,
  confirm,
}: {
  submitLabel: string;
  onSubmit: (u: string, p: string) => Promise<unknown>;
  confirm?: boolean;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const m = useMutation({ mutationFn: () => onSubmit(username.trim(), password) });
  const mismatch = confirm && again !== '' && again !== password;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    m.mutate();
  };
  return (
    <form className="flex flex-col gap-3" onSubmit={submit}>
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        required
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={confirm ? 'new-password' : 'current-password'}
        required
        minLength={confirm ? 8 : undefined}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {confirm && (
        <Field
          label="Repeat password"
          name="password-again"
          type="password"
          autoComplete="new-password"
          required
          value={again}
          error={mismatch ? 'The passwords differ.' : null}
          onChange={(e) => setAgain(e.target.value)}
        />
      )}
      <InlineError error={m.error} />
      <Button type="submit" variant="primary" busy={m.isPending}>
        {submitLabel}
      </Button>
    </form>
  );
}

export function SetupScreen() {
  const setUser = useSetSessionUser();
  return (
    <AuthCard title="Create the administrator" intro="No account exists yet. The first account administers this Bottega instance.">
      <CredentialsForm
        confirm
        submitLabel="Create administrator"
        onSubmit={async (username, password) => {
          const { user } = await api.post('/api/auth/register', { body: { username, password } });
          setUser(user);
        }}
      />
    </AuthCard>
  );
}

export function LoginScreen() {
  const setUser = useSetSessionUser();
  return (
    <AuthCard title="Log in" intro="Accounts are created by an administrator.">
      <CredentialsForm
        submitLabel="Log in"
        onSubmit={async (username, password) => {
          const { user } = await api.post('/api/auth/login', { body: { username, password } });
          setUser(user);
        }}
      />
    </AuthCard>
  );
}
