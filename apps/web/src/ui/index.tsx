// Small shared building blocks: buttons, fields, modal, and the loading /
// empty / error states every screen uses.
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from 'react';
import type { LucideIcon } from 'lucide-react';
import { errorMessage } from '../lib/api';

export { Modal } from './modal';
export { Checkbox } from './checkbox';
export { Tooltip, TooltipProvider } from './tooltip';
export { IconButton } from './icon-button';
export { Select, type SelectGroup, type SelectOption } from './select';
export { Menu, MenuItem, MenuLabel, MenuRadioGroup, MenuRadioItem, MenuSeparator } from './menu';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';
const variants: Record<Variant, string> = {
  primary: 'bg-indigo-600 text-white hover:bg-indigo-700 disabled:bg-indigo-300',
  secondary: 'bg-white text-stone-800 border border-stone-300 hover:bg-stone-100 disabled:text-stone-400',
  danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300',
  ghost: 'text-stone-700 hover:bg-stone-200 disabled:text-stone-400',
};

export function Button({
  variant = 'secondary',
  className = '',
  busy = false,
  icon: Icon,
  children,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean; icon?: LucideIcon }) {
  return (
    <button
      type="button"
      {...rest}
      disabled={rest.disabled || busy}
      aria-busy={busy || undefined}
      className={`inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium transition-colors disabled:cursor-not-allowed ${variants[variant]} ${className}`}
    >
      {busy ? <Spinner small /> : Icon && <Icon aria-hidden="true" className="h-4 w-4 shrink-0" />}
      {children}
    </button>
  );
}

export function Field({
  label,
  hint,
  error,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string | null }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-stone-700">
        {label}
      </label>
      <input
        id={id}
        {...input}
        aria-invalid={error ? true : undefined}
        className={`rounded-md border px-2.5 py-1.5 text-sm outline-none focus:ring-2 focus:ring-indigo-400 ${error ? 'border-red-500' : 'border-stone-300'} ${input.className ?? ''}`}
      />
      {hint && <p className="text-xs text-stone-500">{hint}</p>}
      {error && <p className="text-xs text-red-600">{error}</p>}
    </div>
  );
}

export function Spinner({ small = false }: { small?: boolean }) {
  return (
    <span
      role="status"
      aria-label="Loading"
      className={`inline-block animate-spin rounded-full border-2 border-current border-r-transparent ${small ? 'h-3.5 w-3.5' : 'h-6 w-6 text-indigo-600'}`}
    />
  );
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="flex items-center justify-center gap-3 p-10 text-stone-500" data-state="loading">
      <Spinner /> <span>{label}</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-stone-300 p-8 text-center text-stone-600" data-state="empty">
      <p className="font-medium text-stone-800">{title}</p>
      {children && <div className="mt-2 text-sm">{children}</div>}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800" data-state="error">
      <p>{errorMessage(error)}</p>
      {retry && (
        <Button className="mt-2" onClick={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="text-sm text-red-700">
      {errorMessage(error)}
    </p>
  );
}

export function Badge({
  children,
  tone = 'stone',
  title,
}: {
  children: ReactNode;
  tone?: 'stone' | 'red' | 'amber' | 'green' | 'indigo' | 'sky';
  title?: string;
}) {
  const tones = {
    stone: 'bg-stone-100 text-stone-700',
    red: 'bg-red-100 text-red-800',
    amber: 'bg-amber-100 text-amber-800',
    green: 'bg-green-100 text-green-800',
    indigo: 'bg-indigo-100 text-indigo-800',
    sky: 'bg-sky-100 text-sky-800',
  } as const;
  return (
    <span title={title} className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>
      {children}
    </span>
  );
}

/** The pulsing dot that says "an agent is working here". */
export function LiveDot({ label = 'Live' }: { label?: string }) {
  return (
    <span className="relative inline-flex h-2.5 w-2.5" role="img" aria-label={label} title={label}>
      <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-green-400 opacity-75" />
      <span className="relative inline-flex h-2.5 w-2.5 rounded-full bg-green-500" />
    </span>
  );
}

export function PageHeader({ title, children, crumbs }: { title: ReactNode; children?: ReactNode; crumbs?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        {crumbs && <nav className="mb-1 text-sm text-stone-500">{crumbs}</nav>}
        <h1 className="text-2xl font-semibold break-words">{title}</h1>
      </div>
      {children && <div className="flex flex-wrap gap-2">{children}</div>}
    </div>
  );
}

export { UserMenu, UserMenuItem, UserMenuSeparator } from './user-menu';
export { ThemePicker } from './theme-picker';
