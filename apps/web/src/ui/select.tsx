// A select on Radix Select: a labelled trigger showing the chosen option's
// label and a chevron, and a list opened in a portal (never clipped by a
// scrolling parent, kept inside a 390 px phone screen) with a check mark on
// the chosen option. Keyboard: Enter/Space/arrows open it, arrows move, typing
// jumps to a label, Enter picks, Escape closes.
//
// Radix items cannot carry an empty value, so the one option whose value is
// '' or null ("none", "default") travels through a sentinel here: callers
// keep their ''/null semantics and never see it.
import { useId, type ReactNode } from 'react';
import { Select as RadixSelect } from 'radix-ui';
import { Check, ChevronDown, ChevronUp } from 'lucide-react';

export interface SelectOption<V extends string | null = string> {
  value: V;
  label: string;
  disabled?: boolean;
  /** A second line under the label in the list (not shown in the trigger). */
  hint?: string;
}

export interface SelectGroup<V extends string | null = string> {
  label: string;
  options: SelectOption<V>[];
}

/** Stands for the empty ('' or null) option inside Radix; never a real value. */
export const EMPTY_SENTINEL = '\u2063bottega-select-empty';

export interface SelectProps<V extends string | null> {
  value: V | '' | null;
  onValueChange: (value: V) => void;
  /** The options, or `groups` of them under headings. */
  options?: SelectOption<V>[];
  groups?: SelectGroup<V>[];
  /** Shown while no option is chosen (value '' or null with no empty option). */
  placeholder?: string;
  disabled?: boolean;
  /** A visible label above the trigger. */
  label?: ReactNode;
  /** The accessible name when there is no visible label. */
  'aria-label'?: string;
  /** Compact controls (cards, toolbars). */
  size?: 'sm' | 'md';
  /** Classes of the wrapper (with a label) or the trigger (without). */
  className?: string;
  labelClassName?: string;
  triggerClassName?: string;
  id?: string;
  name?: string;
}

const isEmpty = (v: string | null | undefined) => v === '' || v === null || v === undefined;

export function Select<V extends string | null>({
  value,
  onValueChange,
  options,
  groups,
  placeholder,
  disabled = false,
  label,
  'aria-label': ariaLabel,
  size = 'md',
  className = '',
  labelClassName = 'text-sm font-medium text-stone-700',
  triggerClassName = '',
  id,
  name,
}: SelectProps<V>) {
  const ownId = useId();
  const triggerId = id ?? `${ownId}-trigger`;
  const labelId = `${ownId}-label`;
  const all = groups ? groups.flatMap((g) => g.options) : (options ?? []);
  const emptyOption = all.find((o) => isEmpty(o.value));
  const toRadix = (v: string | null | undefined) => (isEmpty(v) ? (emptyOption ? EMPTY_SENTINEL : '') : (v as string));
  const fromRadix = (v: string) => (v === EMPTY_SENTINEL && emptyOption ? emptyOption.value : (v as V));

  const trigger = (
    <RadixSelect.Trigger
      id={triggerId}
      aria-label={ariaLabel}
      aria-labelledby={label && !ariaLabel ? labelId : undefined}
      className={`group inline-flex min-w-0 items-center justify-between gap-1.5 rounded-md border border-stone-300 bg-white text-left text-stone-800 outline-none hover:border-stone-400 focus-visible:ring-2 focus-visible:ring-indigo-400 disabled:cursor-not-allowed disabled:bg-stone-50 disabled:text-stone-400 data-[placeholder]:text-stone-500 ${size === 'sm' ? 'px-1.5 py-0.5 text-xs' : 'px-2.5 py-1.5 text-sm'} ${label ? 'w-full' : className} ${triggerClassName}`}
    >
      <span className="min-w-0 truncate">
        <RadixSelect.Value placeholder={placeholder} />
      </span>
      <RadixSelect.Icon className="shrink-0 text-stone-500 group-data-[state=open]:rotate-180">
        <ChevronDown aria-hidden="true" size={size === 'sm' ? 14 : 16} />
      </RadixSelect.Icon>
    </RadixSelect.Trigger>
  );

  return (
    <RadixSelect.Root
      value={toRadix(value)}
      onValueChange={(v) => onValueChange(fromRadix(v))}
      disabled={disabled}
      {...(name ? { name } : {})}
    >
      {label ? (
        <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
          <label id={labelId} htmlFor={triggerId} className={labelClassName}>
            {label}
          </label>
          {trigger}
        </div>
      ) : (
        trigger
      )}
      <RadixSelect.Portal>
        <RadixSelect.Content
          position="popper"
          sideOffset={4}
          collisionPadding={8}
          className="z-[60] max-h-[min(24rem,var(--radix-select-content-available-height))] min-w-[var(--radix-select-trigger-width)] max-w-[calc(100vw-1rem)] overflow-hidden rounded-md border border-stone-200 bg-white text-stone-800 shadow-lg"
        >
          <RadixSelect.ScrollUpButton className="flex h-6 items-center justify-center text-stone-500">
            <ChevronUp aria-hidden="true" size={14} />
          </RadixSelect.ScrollUpButton>
          <RadixSelect.Viewport className="p-1">
            {groups
              ? groups.map((g, i) => (
                  <RadixSelect.Group key={g.label}>
                    {i > 0 && <RadixSelect.Separator className="my-1 h-px bg-stone-200" />}
                    <RadixSelect.Label className="px-2 py-1 text-xs font-semibold text-stone-500">{g.label}</RadixSelect.Label>
                    {g.options.map((o) => (
                      <Item key={String(o.value)} option={o} value={toRadix(o.value)} />
                    ))}
                  </RadixSelect.Group>
                ))
              : all.map((o) => <Item key={String(o.value)} option={o} value={toRadix(o.value)} />)}
          </RadixSelect.Viewport>
          <RadixSelect.ScrollDownButton className="flex h-6 items-center justify-center text-stone-500">
            <ChevronDown aria-hidden="true" size={14} />
          </RadixSelect.ScrollDownButton>
        </RadixSelect.Content>
      </RadixSelect.Portal>
    </RadixSelect.Root>
  );
}

function Item({ option, value }: { option: SelectOption<string | null>; value: string }) {
  return (
    <RadixSelect.Item
      value={value}
      disabled={option.disabled}
      className="relative flex cursor-default select-none flex-col rounded py-1.5 pl-7 pr-2 text-sm outline-none data-[disabled]:cursor-not-allowed data-[highlighted]:bg-indigo-50 data-[highlighted]:text-indigo-900 data-[disabled]:text-stone-400 data-[state=checked]:font-medium"
    >
      <RadixSelect.ItemIndicator className="absolute left-2 top-2 text-indigo-600">
        <Check aria-hidden="true" size={14} />
      </RadixSelect.ItemIndicator>
      <RadixSelect.ItemText>{option.label}</RadixSelect.ItemText>
      {option.hint && <span className="text-xs font-normal text-stone-500">{option.hint}</span>}
    </RadixSelect.Item>
  );
}
