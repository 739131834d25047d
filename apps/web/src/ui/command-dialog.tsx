// A command menu in a modal dialog (Radix Dialog around cmdk): a search field
// over a list of grouped items; arrow keys move, Enter picks, Escape closes.
// The items are filtered by the caller (`shouldFilter` is off), so results
// fetched from the server are shown as they come. Loaded with the command
// palette's chunk, not the first download: import it directly, not from `ui/`.
import type { ReactNode } from 'react';
import { Dialog } from 'radix-ui';
import { Command } from 'cmdk';
import { Search } from 'lucide-react';

export function CommandDialog({
  open,
  onOpenChange,
  title,
  description,
  label,
  selected,
  onSelectedChange,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: string;
  /** The search field's accessible name. */
  label: string;
  /** The highlighted item's value (the one Enter picks). */
  selected: string;
  onSelectedChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 bg-black/40" />
        <Dialog.Content className="fixed inset-x-0 top-0 z-50 mx-auto flex max-h-[85vh] w-full flex-col overflow-hidden rounded-b-xl bg-white shadow-2xl outline-none sm:top-[12vh] sm:max-w-xl sm:rounded-xl">
          <Dialog.Title className="sr-only">{title}</Dialog.Title>
          <Dialog.Description className="sr-only">{description}</Dialog.Description>
          <Command
            shouldFilter={false}
            loop
            label={label}
            value={selected}
            onValueChange={onSelectedChange}
            className="flex min-h-0 flex-1 flex-col"
          >
            {children}
          </Command>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

export function CommandInput({
  value,
  onValueChange,
  placeholder,
  busy,
}: {
  value: string;
  onValueChange: (v: string) => void;
  placeholder: string;
  busy?: boolean;
}) {
  return (
    <div className="flex items-center gap-2 border-b border-stone-200 px-3">
      <Search aria-hidden className="h-4 w-4 shrink-0 text-stone-400" />
      <Command.Input
        value={value}
        onValueChange={onValueChange}
        placeholder={placeholder}
        className="h-12 min-w-0 flex-1 bg-transparent text-base outline-none placeholder:text-stone-400 sm:text-sm"
      />
      {busy && <span aria-hidden className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-stone-400 border-r-transparent" />}
      <kbd aria-hidden className="hidden rounded border border-stone-300 px-1.5 font-mono text-xs text-stone-500 sm:inline">
        Esc
      </kbd>
      {/* No Escape key on a phone: a visible way out. */}
      <Dialog.Close className="-mr-1 rounded-md px-2 py-1.5 text-sm font-medium text-indigo-700 hover:bg-stone-100 sm:hidden">
        Cancel
      </Dialog.Close>
    </div>
  );
}

export function CommandList({ children, label }: { children: ReactNode; label: string }) {
  return (
    <Command.List label={label} className="min-h-0 flex-1 overflow-y-auto overscroll-contain p-1.5">
      {children}
    </Command.List>
  );
}

export function CommandEmpty({ children }: { children: ReactNode }) {
  return <Command.Empty className="px-3 py-8 text-center text-sm text-stone-500">{children}</Command.Empty>;
}

export function CommandGroup({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <Command.Group
      heading={heading}
      className="[&_[cmdk-group-heading]]:px-2.5 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-semibold [&_[cmdk-group-heading]]:tracking-wide [&_[cmdk-group-heading]]:text-stone-500 [&_[cmdk-group-heading]]:uppercase"
    >
      {children}
    </Command.Group>
  );
}

export function CommandItem({ value, onSelect, children }: { value: string; onSelect: () => void; children: ReactNode }) {
  return (
    <Command.Item
      value={value}
      onSelect={onSelect}
      className="flex cursor-pointer items-center gap-3 rounded-md px-2.5 py-2 text-sm text-stone-800 select-none data-[selected=true]:bg-indigo-50 data-[selected=true]:text-indigo-900"
    >
      {children}
    </Command.Item>
  );
}
