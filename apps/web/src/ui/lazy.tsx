// Heavy components split out of the first download: the markdown renderer and
// the CodeMirror editor load on first use.
import { lazy, Suspense } from 'react';
import type { MarkdownEditorProps } from './markdown-editor';
import { LoadingState } from './index';
import { components } from '../lib/chunks';

const MarkdownImpl = lazy(components.markdown);
const EditorImpl = lazy(components.markdownEditor);

export function LazyMarkdown({ children, className }: { children: string; className?: string }) {
  return (
    <Suspense
      fallback={
        <pre className="whitespace-pre-wrap font-sans text-sm text-stone-600" aria-busy="true">
          {children}
        </pre>
      }
    >
      <MarkdownImpl className={className}>{children}</MarkdownImpl>
    </Suspense>
  );
}

export function LazyMarkdownEditor(props: MarkdownEditorProps) {
  return (
    <Suspense fallback={<LoadingState label="Loading editor…" />}>
      <EditorImpl {...props} />
    </Suspense>
  );
}
