// Tooltips on Radix Tooltip: shown on hover and on keyboard focus, after a
// short delay. `TooltipProvider` is mounted once around the app (main.tsx);
// a Tooltip rendered outside it (a component test) brings its own.
import { createContext, useContext, type ReactElement, type ReactNode } from 'react';
import { Tooltip as RadixTooltip } from 'radix-ui';

const Provided = createContext(false);

export function TooltipProvider({ children }: { children: ReactNode }) {
  return (
    <RadixTooltip.Provider delayDuration={400} skipDelayDuration={200}>
      <Provided.Provider value={true}>{children}</Provided.Provider>
    </RadixTooltip.Provider>
  );
}

/** `children` must be one element that takes a ref and event handlers (a button, a link). */
export function Tooltip({
  content,
  children,
  side = 'top',
}: {
  content: ReactNode;
  children: ReactElement;
  side?: 'top' | 'right' | 'bottom' | 'left';
}) {
  const provided = useContext(Provided);
  const tip = (
    <RadixTooltip.Root>
      <RadixTooltip.Trigger asChild>{children}</RadixTooltip.Trigger>
      <RadixTooltip.Portal>
        <RadixTooltip.Content
          side={side}
          sideOffset={6}
          collisionPadding={8}
          className="z-[60] max-w-xs rounded-md bg-stone-900 px-2 py-1 text-xs font-medium text-white shadow-lg"
        >
          {content}
          <RadixTooltip.Arrow className="fill-stone-900" />
        </RadixTooltip.Content>
      </RadixTooltip.Portal>
    </RadixTooltip.Root>
  );
  return provided ? tip : <TooltipProvider>{tip}</TooltipProvider>;
}
