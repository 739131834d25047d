// The modal dialog every screen uses, on Radix Dialog: focus is trapped inside
// while it is open and returns to whatever opened it; the title names it; on a
// phone it is a bottom sheet. `onClose` undefined makes it blocking: no Close
// button, Escape and clicks outside leave it open.
import { useState, type ReactNode } from 'react';
import { Dialog } from 'radix-ui';
import { X } from 'lucide-react';

export function Modal({
  title,
  children,
  onClose,
  wide = false,
}: {
  title: string;
  children: ReactNode;
  onClose?: () => void;
  wide?: boolean;
}) {
  // Callers mount the modal when it opens, so what has focus now opened it.
  const [opener] = useState(() => document.activeElement);
  const blocking = !onClose;
  // Always open while mounted: Escape, the Close button and a press outside only
  // ask the caller to close it, so without `onClose` nothing closes it.
  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose?.()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-50 flex items-end justify-center bg-black/40 p-0 sm:items-center sm:p-4">
          <Dialog.Content
            aria-describedby={undefined}
            onCloseAutoFocus={(e) => {
              // Radix returns focus to a Dialog.Trigger; there is none, so do it here.
              e.preventDefault();
              if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
            }}
            className={`relative max-h-[90vh] w-full overflow-y-auto rounded-t-xl bg-white p-5 pb-[max(1.25rem,env(safe-area-inset-bottom))] shadow-xl outline-none sm:rounded-xl sm:pb-5 ${wide ? 'sm:max-w-3xl' : 'sm:max-w-md'}`}
          >
            <Dialog.Title className={`mb-4 text-lg font-semibold ${blocking ? '' : 'pr-8'}`}>{title}</Dialog.Title>
            {children}
            {/* Last in the tab order, so focus starts on the dialog's own first field or button. */}
            {onClose && (
              <Dialog.Close
                aria-label="Close"
                className="absolute top-4 right-4 inline-flex h-8 w-8 items-center justify-center rounded-md text-stone-500 hover:bg-stone-100 hover:text-stone-800 focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:outline-none"
              >
                <X aria-hidden="true" className="h-5 w-5" />
              </Dialog.Close>
            )}
          </Dialog.Content>
        </Dialog.Overlay>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
