// The `?` overlay: every keyboard shortcut this user has, grouped, read from
// the same registry the key handler uses (lib/shortcuts.ts).
import { Fragment } from 'react';
import { Modal } from '../ui';
import { availableShortcuts, isMac, keyLabel, shortcutGroups } from '../lib/shortcuts';

function Kbd({ children }: { children: string }) {
  return (
    <kbd className="inline-flex min-w-6 items-center justify-center rounded border border-stone-300 border-b-2 bg-stone-50 px-1.5 py-0.5 font-mono text-xs text-stone-700">
      {children}
    </kbd>
  );
}

export function ShortcutsOverlay({ isAdmin, onClose }: { isAdmin: boolean; onClose: () => void }) {
  const mac = isMac();
  const list = availableShortcuts({ isAdmin });
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <p className="-mt-2 mb-4 text-sm text-stone-600">They work anywhere except while you type in a field. Escape closes a dialog.</p>
      <div className="flex flex-col gap-5">
        {shortcutGroups.map((group) => {
          const items = list.filter((s) => s.group === group);
          if (items.length === 0) return null;
          return (
            <section key={group} aria-label={group}>
              <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-stone-500 uppercase">{group}</h3>
              <dl className="divide-y divide-stone-100">
                {items.map((s) => (
                  <div key={s.id} className="flex items-center justify-between gap-4 py-1.5">
                    <dt className="text-sm text-stone-800">{s.label}</dt>
                    <dd className="flex shrink-0 flex-wrap items-center justify-end gap-1 text-xs text-stone-500">
                      {s.bindings.map((binding, i) => (
                        <Fragment key={binding.join(' ')}>
                          {i > 0 && <span className="px-0.5">or</span>}
                          {binding.map((stroke, j) => (
                            <Fragment key={stroke}>
                              {j > 0 && <span className="px-0.5">then</span>}
                              {keyLabel(stroke, mac).map((k, n) => (
                                <Fragment key={k}>
                                  {n > 0 && <span aria-hidden>+</span>}
                                  <Kbd>{k}</Kbd>
                                </Fragment>
                              ))}
                            </Fragment>
                          ))}
                        </Fragment>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          );
        })}
      </div>
    </Modal>
  );
}
