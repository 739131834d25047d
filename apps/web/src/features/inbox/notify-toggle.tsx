// "Notify me": opt-in browser notifications for new inbox items, stored per
// browser. Asking for permission happens on the click, as browsers require;
// a refused or missing permission is said plainly.
import { useState } from 'react';
import { Checkbox } from '../../ui';
import { notifySupport, notifyWanted, setNotifyWanted, type NotifySupport } from './inbox-live';

export function NotifyToggle() {
  const [support, setSupport] = useState<NotifySupport>(notifySupport);
  const [wanted, setWanted] = useState(notifyWanted);
  const on = wanted && support === 'granted';

  const toggle = async (next: boolean) => {
    setNotifyWanted(next);
    setWanted(next);
    if (!next || support !== 'default') return;
    const answer = await window.Notification.requestPermission();
    setSupport(answer);
    if (answer !== 'granted') {
      // Refused: nothing stays switched on that could not notify.
      setNotifyWanted(false);
      setWanted(false);
    }
  };

  const note =
    support === 'unsupported'
      ? 'This browser cannot show notifications.'
      : support === 'denied'
        ? 'Notifications are blocked for this site: allow them in the browser’s site settings, then reload.'
        : on
          ? 'You will get a notification here when something new needs you while Bottega is open.'
          : 'Get a browser notification when something new needs you while Bottega is open.';

  return (
    <div className="flex flex-col items-start gap-1 sm:items-end">
      <Checkbox
        label="Notify me"
        checked={on}
        disabled={support === 'unsupported' || support === 'denied'}
        onCheckedChange={(next) => void toggle(next)}
      />
      <p className="max-w-xs text-xs text-stone-500 sm:text-right" role={support === 'denied' ? 'alert' : undefined}>
        {note}
      </p>
    </div>
  );
}
