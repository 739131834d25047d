// The account menu at the right of the top bar (Radix DropdownMenu): a button
// showing who is signed in that opens a short list of actions. Arrow keys move,
// Enter picks, Escape closes and gives focus back to the button. Not modal: the
// page behind is not hidden from assistive technology while it is open (a
// modal menu would hide the page with focusable controls in it); Tab or a
// click elsewhere closes it.
import type { ReactNode } from 'react';
import { DropdownMenu } from 'radix-ui';
import { ChevronDown, CircleUserRound } from 'lucide-react';

export function UserMenu({ username, children }: { username: string; children: ReactNode }) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label={`Account: ${username}`}
        className="flex min-w-0 items-center gap-1.5 rounded-md px-1.5 py-1.5 text-sm text-stone-200 outline-none hover:bg-stone-700 hover:text-white focus-visible:ring-2 focus-visible:ring-indigo-400 data-[state=open]:bg-stone-700"
      >
        <CircleUserRound aria-hidden className="h-5 w-5 shrink-0" />
        <span className="max-w-24 truncate sm:max-w-40" data-testid="current-user">
          {username}
        </span>
        <ChevronDown aria-hidden className="h-3.5 w-3.5 shrink-0 opacity-70" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={6}
          collisionPadding={8}
          className="z-50 min-w-52 rounded-lg border border-stone-200 bg-white p-1 text-sm text-stone-800 shadow-lg"
        >
          <DropdownMenu.Label className="px-2.5 py-1.5 text-xs text-stone-500">
            Signed in as <span className="font-medium text-stone-800">{username}</span>
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="my-1 h-px bg-stone-200" />
          {children}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

export function UserMenuItem({
  icon,
  children,
  onSelect,
  hint,
}: {
  icon: ReactNode;
  children: ReactNode;
  onSelect: () => void;
  hint?: string;
}) {
  return (
    <DropdownMenu.Item
      onSelect={onSelect}
      className="flex cursor-default items-center gap-2.5 rounded-md px-2.5 py-2 outline-none select-none data-[highlighted]:bg-stone-100"
    >
      <span aria-hidden className="text-stone-500 [&>svg]:h-4 [&>svg]:w-4">
        {icon}
      </span>
      <span className="flex-1">{children}</span>
      {hint && (
        <kbd aria-hidden className="rounded border border-stone-300 bg-stone-50 px-1.5 font-mono text-xs text-stone-500">
          {hint}
        </kbd>
      )}
    </DropdownMenu.Item>
  );
}

export function UserMenuSeparator() {
  return <DropdownMenu.Separator className="my-1 h-px bg-stone-200" />;
}
