// A markdown editor (CodeMirror 6): syntax highlighting, history, line
// wrapping, and Mod-s to save. Load it with `LazyMarkdownEditor` so the editor
// is fetched only when someone edits.
import { useEffect, useRef } from 'react';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, placeholder as placeholderExt } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';

export interface MarkdownEditorProps {
  value: string;
  onChange: (value: string) => void;
  onSave?: () => void;
  ariaLabel: string;
  placeholder?: string;
  minHeight?: string;
}

export function MarkdownEditor({ value, onChange, onSave, ariaLabel, placeholder, minHeight = '16rem' }: MarkdownEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onSave });
  latest.current = { onChange, onSave };

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          markdown(),
          syntaxHighlighting(defaultHighlightStyle),
          EditorView.lineWrapping,
          keymap.of([
            { key: 'Mod-s', preventDefault: true, run: () => (latest.current.onSave?.(), true) },
            indentWithTab,
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.contentAttributes.of({ 'aria-label': ariaLabel }),
          // Colours from the palette, so the editor follows the light or dark theme (styles.css).
          EditorView.theme({
            '&': { minHeight, fontSize: '14px' },
            '.cm-scroller': { fontFamily: 'var(--font-mono)' },
            '.cm-content': { minHeight, caretColor: 'var(--color-stone-900)' },
            '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--color-stone-900)' },
            '.cm-gutters': {
              backgroundColor: 'var(--color-stone-50)',
              color: 'var(--color-stone-500)',
              borderRight: '1px solid var(--color-stone-200)',
            },
          }),
          ...(placeholder ? [placeholderExt(placeholder)] : []),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once; outside value changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return (
    <div
      ref={host}
      className="overflow-hidden rounded-md border border-stone-300 bg-white focus-within:ring-2 focus-within:ring-indigo-400"
    />
  );
}

export default MarkdownEditor;
