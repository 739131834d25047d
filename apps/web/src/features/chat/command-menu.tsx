// The slash-command suggestions shown above the chat input while a `/word` is
// typed: a listbox the textarea drives (Arrow keys move, Enter or Tab picks,
// Escape closes); a click picks too.
import type { SlashCommandDto } from '@bottega/protocol';

export const COMMAND_MENU_ID = 'chat-command-menu';
export const commandOptionId = (name: string) => `chat-command-${name.replace(/:/g, '--')}`;

export function CommandMenu({
  commands,
  active,
  onPick,
}: {
  commands: readonly SlashCommandDto[];
  active: number;
  onPick: (c: SlashCommandDto) => void;
}) {
  return (
    <ul
      id={COMMAND_MENU_ID}
      role="listbox"
      aria-label="Slash commands"
      className="max-h-56 overflow-y-auto rounded-md border border-stone-200 bg-white py-1 text-sm shadow-md"
    >
      {commands.map((c, i) => (
        <li
          key={c.name}
          id={commandOptionId(c.name)}
          role="option"
          aria-selected={i === active}
          // mousedown, not click: the textarea must keep focus.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(c);
          }}
          className={`flex cursor-pointer items-baseline gap-2 px-3 py-1.5 ${i === active ? 'bg-indigo-50' : 'hover:bg-stone-50'}`}
        >
          <span className="font-mono text-indigo-800">/{c.name}</span>
          <span className="min-w-0 flex-1 truncate text-stone-600">{c.description}</span>
          <span className="text-xs text-stone-400">{c.source === 'project' ? 'project' : 'yours'}</span>
        </li>
      ))}
    </ul>
  );
}
