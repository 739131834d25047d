// A button that shows only an icon. Its `label` is both its accessible name
// and the tooltip that says what it does.
import type { ButtonHTMLAttributes } from 'react';
import type { LucideIcon } from 'lucide-react';
import { Tooltip } from './tooltip';

const tones = {
  neutral: 'text-stone-600 hover:bg-stone-200 hover:text-stone-900',
  danger: 'text-stone-600 hover:bg-red-50 hover:text-red-700',
} as const;

export function IconButton({
  label,
  icon: Icon,
  tone = 'neutral',
  className = '',
  ...rest
}: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children' | 'aria-label'> & {
  label: string;
  icon: LucideIcon;
  tone?: keyof typeof tones;
}) {
  return (
    <Tooltip content={label}>
      <button
        type="button"
        {...rest}
        aria-label={label}
        className={`inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-md transition-colors focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:outline-none disabled:cursor-not-allowed disabled:text-stone-300 disabled:hover:bg-transparent sm:h-8 sm:w-8 ${tones[tone]} ${className}`}
      >
        <Icon aria-hidden="true" className="h-4 w-4" />
      </button>
    </Tooltip>
  );
}
