// An action menu on Radix DropdownMenu: a trigger (any button, given as an
// element) opening a list in a portal with items (optional icon, destructive
// in red), separators, headings and radio items (a check on the current one).
// Keyboard: Enter/Space/ArrowDown open it, arrows move, Enter picks, Escape
// closes and gives focus back to the trigger.
import { cloneElement, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactElement, type ReactNode } from 'react';
import { DropdownMenu } from 'radix-ui';
import { Check, type LucideIcon } from 'lucide-react';

export function Menu({
  trigger,
  children,
  align = 'end',
}: {
  /** The button that opens the menu; it names the menu. */
  trigger: ReactElement;
  children: ReactNode;
  align?: 'start' | 'center' | 'end';
}) {
  // Until the pointer or focus reaches it, the trigger is a plain button: a
  // board shows hundreds of cards with a menu each, and Radix's menu machinery
  // per card slowed a large board's first render. Hovering or focusing the
  // button mounts the real menu (focus is put back on the new button); a press
  // or opening key that comes first mounts it already open.
  const [armed, setArmed] = useState<'no' | 'ready' | 'open'>('no');
  const refocus = useRef(false);
  const triggerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (armed === 'no' || !refocus.current) return;
    refocus.current = false;
    triggerRef.current?.focus();
  }, [armed]);
  if (armed === 'no')
    return cloneElement(trigger, {
      'aria-haspopup': 'menu',
      'aria-expanded': false,
      onPointerEnter: () => setArmed('ready'),
      onFocus: () => {
        refocus.current = true;
        setArmed('ready');
      },
      onPointerDown: (e: PointerEvent) => {
        if (e.button === 0 && !e.ctrlKey) setArmed('open');
      },
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' || e.key === ' ' || e.key === 'ArrowDown') {
          e.preventDefault();
          setArmed('open');
        }
      },
    } as object);
  // Not modal, like the account menu: a modal menu hides the page from screen
  // readers while its controls stay focusable; Tab or a click elsewhere closes it.
  return (
    <DropdownMenu.Root defaultOpen={armed === 'open'} modal={false}>
      <DropdownMenu.Trigger asChild ref={triggerRef}>
        {trigger}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align={align}
          sideOffset={4}
          collisionPadding={8}
          className="z-[60] max-h-[var(--radix-dropdown-menu-content-available-height)] min-w-[11rem] max-w-[calc(100vw-1rem)] overflow-y-auto rounded-md border border-stone-200 bg-white p-1 text-sm text-stone-800 shadow-lg"
        >
          {children}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

const itemClass =
  'flex cursor-default select-none items-center gap-2 rounded px-2 py-1.5 outline-none data-[disabled]:cursor-not-allowed data-[disabled]:text-stone-400';

export function MenuItem({
  icon: IconComponent,
  destructive = false,
  disabled = false,
  onSelect,
  children,
}: {
  icon?: LucideIcon;
  destructive?: boolean;
  disabled?: boolean;
  onSelect: () => void;
  children: ReactNode;
}) {
  return (
    <DropdownMenu.Item
      disabled={disabled}
      onSelect={onSelect}
      className={`${itemClass} ${destructive ? 'text-red-700 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-800' : 'data-[highlighted]:bg-indigo-50 data-[highlighted]:text-indigo-900'}`}
    >
      {IconComponent ? <IconComponent aria-hidden="true" size={16} className="shrink-0" /> : null}
      <span className="min-w-0 flex-1">{children}</span>
    </DropdownMenu.Item>
  );
}

export function MenuSeparator() {
  return <DropdownMenu.Separator className="-mx-1 my-1 h-px bg-stone-200" />;
}

/** A heading inside the menu (not an item). */
export function MenuLabel({ children }: { children: ReactNode }) {
  return <DropdownMenu.Label className="px-2 py-1 text-xs font-semibold text-stone-500">{children}</DropdownMenu.Label>;
}

export function MenuRadioGroup<V extends string>({
  value,
  onValueChange,
  children,
}: {
  value: V;
  onValueChange: (value: V) => void;
  children: ReactNode;
}) {
  return (
    <DropdownMenu.RadioGroup value={value} onValueChange={(v) => onValueChange(v as V)}>
      {children}
    </DropdownMenu.RadioGroup>
  );
}

export function MenuRadioItem({ value, disabled = false, children }: { value: string; disabled?: boolean; children: ReactNode }) {
  return (
    <DropdownMenu.RadioItem
      value={value}
      disabled={disabled}
      className={`${itemClass} relative pl-7 data-[highlighted]:bg-indigo-50 data-[highlighted]:text-indigo-900 data-[state=checked]:font-medium`}
    >
      <DropdownMenu.ItemIndicator className="absolute left-2 text-indigo-600">
        <Check aria-hidden="true" size={14} />
      </DropdownMenu.ItemIndicator>
      {children}
    </DropdownMenu.RadioItem>
  );
}
