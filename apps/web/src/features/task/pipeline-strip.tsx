// The pipeline strip (docs/behaviour/web-app.md#pipeline): Plan → Approve → Implement ⇄ Review →
// Refine → Pull request → CI → Merge (or YOLO → Pull request → CI → Merge),
// each stage ticked, live (with a spinner), waiting for a human, needing
// attention, skipped or still ahead — as `taskProgress` (packages/protocol) says.
// It wraps onto more lines on a phone rather than clipping.
import type { PipelineStage, StageState, TaskProgress } from '@bottega/protocol';

export const STAGE_LABELS: Record<PipelineStage, string> = {
  plan: 'Plan',
  approve: 'Approve',
  implement: 'Implement',
  review: 'Review',
  refine: 'Refine',
  pr: 'Pull request',
  ci: 'CI',
  merge: 'Merge',
  yolo: 'YOLO agent',
};

const STATE_WORDS: Record<StageState, string> = {
  done: 'done',
  current: 'next',
  running: 'running',
  attention: 'needs attention',
  skipped: 'skipped',
  todo: 'not reached',
};

const STATE_STYLE: Record<StageState, string> = {
  done: 'border-green-200 bg-green-50 text-green-800',
  current: 'border-indigo-400 bg-indigo-50 text-indigo-900 ring-2 ring-indigo-200',
  running: 'border-sky-400 bg-sky-50 text-sky-900 ring-2 ring-sky-200',
  attention: 'border-red-300 bg-red-50 text-red-900 ring-2 ring-red-100',
  skipped: 'border-stone-200 bg-white text-stone-400 line-through',
  todo: 'border-stone-200 bg-white text-stone-500',
};

function StageIcon({ state }: { state: StageState }) {
  switch (state) {
    case 'done':
      return <span aria-hidden="true">✓</span>;
    case 'running':
      return (
        <span aria-hidden="true" className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-r-transparent" />
      );
    case 'attention':
      return <span aria-hidden="true">!</span>;
    case 'current':
      return <span aria-hidden="true">●</span>;
    case 'skipped':
    case 'todo':
      return <span aria-hidden="true">○</span>;
  }
}

export function PipelineStrip({ progress }: { progress: TaskProgress }) {
  return (
    <ol aria-label="Pipeline" className="flex flex-wrap items-center gap-x-1 gap-y-2 text-sm" data-testid="pipeline">
      {progress.stages.map(({ stage, state }, i) => {
        const iteration = stage === 'review' && progress.iteration > 0 ? ` · iteration ${progress.iteration}` : '';
        return (
          <li key={stage} className="flex items-center gap-1" data-stage={stage} data-state={state}>
            {i > 0 && (
              <span aria-hidden="true" className="text-stone-400">
                {stage === 'review' ? '⇄' : '→'}
              </span>
            )}
            <span
              className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 font-medium whitespace-nowrap ${STATE_STYLE[state]}`}
              aria-current={state === 'current' || state === 'running' || state === 'attention' ? 'step' : undefined}
              aria-label={`${STAGE_LABELS[stage]}${iteration}: ${STATE_WORDS[state]}`}
            >
              <StageIcon state={state} />
              {STAGE_LABELS[stage]}
              {iteration && <span className="font-normal text-xs">{iteration.slice(3)}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
