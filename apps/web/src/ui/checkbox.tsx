// A checkbox on Radix Checkbox: a box that fills with a tick when on, its
// label (and optional description) beside it and clickable, Space toggles it.
// It is a button with role="checkbox", so tests and assistive technology see
// a checkbox.
import { useId, type ReactNode } from 'react';
import { Checkbox as RadixCheckbox } from 'radix-ui';
import { Check } from 'lucide-react';

export function Checkbox({
  label,
  description,
  checked,
  onCheckedChange,
  disabled = false,
  className = '',
}: {
  label: ReactNode;
  /** A sentence under the label saying what the choice does; read as the checkbox's description. */
  description?: ReactNode;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  disabled?: boolean;
  className?: string;
}) {
  const id = useId();
  const descriptionId = useId();
  return (
    <div className={`flex items-start gap-2.5 ${className}`}>
      <RadixCheckbox.Root
        id={id}
        checked={checked}
        onCheckedChange={(next) => onCheckedChange(next === true)}
        disabled={disabled}
        aria-describedby={description ? descriptionId : undefined}
        className="mt-0.5 flex h-[18px] w-[18px] shrink-0 items-center justify-center rounded border-2 border-stone-400 bg-white text-white hover:border-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:ring-offset-1 focus-visible:outline-none disabled:cursor-not-allowed disabled:border-stone-300 disabled:bg-stone-100 data-[state=checked]:border-indigo-600 data-[state=checked]:bg-indigo-600 data-[state=checked]:disabled:border-indigo-300 data-[state=checked]:disabled:bg-indigo-300"
      >
        <RadixCheckbox.Indicator>
          <Check aria-hidden="true" className="h-3.5 w-3.5" strokeWidth={3.5} />
        </RadixCheckbox.Indicator>
      </RadixCheckbox.Root>
      <div className="min-w-0 text-sm">
        <label htmlFor={id} className={`font-medium ${disabled ? 'cursor-not-allowed text-stone-500' : 'cursor-pointer text-stone-800'}`}>
          {label}
        </label>
        {description && (
          <p id={descriptionId} className="mt-0.5 text-stone-600">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}
