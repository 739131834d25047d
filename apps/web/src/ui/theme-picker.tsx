// The theme choice: System (follows the device), Light or Dark, as one row of
// radio buttons (arrow keys move between them). The choice is this browser's
// (lib/theme.ts) and takes effect at once.
import { RadioGroup } from 'radix-ui';
import { Monitor, Moon, Sun, type LucideIcon } from 'lucide-react';
import { setThemePref, THEME_PREFS, useThemePref, type ThemePref } from '../lib/theme';

const OPTIONS: Record<ThemePref, { label: string; Icon: LucideIcon }> = {
  system: { label: 'System', Icon: Monitor },
  light: { label: 'Light', Icon: Sun },
  dark: { label: 'Dark', Icon: Moon },
};

export function ThemePicker({ label = 'Theme', describedBy }: { label?: string; describedBy?: string }) {
  const pref = useThemePref();
  return (
    <RadioGroup.Root
      value={pref}
      onValueChange={(v) => {
        const next = THEME_PREFS.find((p) => p === v);
        if (next) setThemePref(next);
      }}
      orientation="horizontal"
      aria-label={label}
      aria-describedby={describedBy}
      className="inline-flex max-w-full gap-0.5 rounded-lg border border-stone-200 bg-stone-100 p-0.5"
    >
      {THEME_PREFS.map((value) => {
        const { label: name, Icon } = OPTIONS[value];
        return (
          <RadioGroup.Item
            key={value}
            value={value}
            className="inline-flex min-w-0 items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium text-stone-600 transition-colors hover:text-stone-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-500 data-[state=checked]:bg-white data-[state=checked]:text-stone-900 data-[state=checked]:shadow-sm data-[state=checked]:ring-1 data-[state=checked]:ring-stone-300"
          >
            <Icon aria-hidden="true" className="h-4 w-4 shrink-0" />
            {name}
          </RadioGroup.Item>
        );
      })}
    </RadioGroup.Root>
  );
}
