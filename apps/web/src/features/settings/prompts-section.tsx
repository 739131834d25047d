// Settings → Prompts: every agent prompt and template, with a badge on the
// ones this instance overrides. Each opens in the prompt editor.
import { Link } from 'react-router';
import { paths } from '../../lib/routing';
import { Badge, ErrorState, LoadingState } from '../../ui';
import { usePromptList } from './prompts';

export function PromptsSection() {
  const list = usePromptList();
  if (list.isPending) return <LoadingState />;
  if (list.isError) return <ErrorState error={list.error} retry={() => void list.refetch()} />;
  return (
    <>
      <p className="mb-3 text-sm text-stone-600">
        Prompts are shared by everyone on this instance; administrators can override them. A template is read by the agent as it is, without
        variables.
      </p>
      <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
        {list.data.prompts.map((p) => (
          <li key={p.name}>
            <Link
              to={paths.settings(`prompts/${p.name}`)}
              className="flex flex-wrap items-center gap-2 px-4 py-3 hover:bg-stone-50"
              data-prompt={p.name}
            >
              <span className="font-medium">{p.label}</span>
              <code className="text-xs text-stone-500">{p.name}</code>
              <span className="ml-auto flex gap-1">
                <Badge tone={p.kind === 'template' ? 'sky' : 'stone'}>{p.kind}</Badge>
                {p.customized && <Badge tone="indigo">customized</Badge>}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
