// The pipeline strip (docs/behaviour/web-app.md#pipeline): Plan → Approve → Implement ⇄ Review →
// Refine → Pull request → CI → Merge (or YOLO → Pull request → CI → Merge),
// each stage ticked, live (with a spinner), waiting for a human, needing
// attention, skipped or still ahead — as `taskProgress` (packages/protocol) says.
// Review carries the loop's iteration against the cap ("Iteration 3 of 25", the
// board card's words: protocol `iterationLabel`).
// It wraps onto more lines on a phone rather than clipping.
import {
  ArrowLeftRight,
  ArrowRight,
  Check,
  Circle,
  CircleAlert,
  CircleDot,
  CircleMinus,
  LoaderCircle,
  type LucideIcon,
} from 'lucide-react';
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
  skipped: 'border-stone-200 bg-white text-stone-500 line-through',
  todo: 'border-stone-200 bg-white text-stone-500',
};

const STAGE_ICONS: Record<StageState, LucideIcon> = {
  done: Check,
  current: CircleDot,
  running: LoaderCircle,
  attention: CircleAlert,
  skipped: CircleMinus,
  todo: Circle,
};

function StageIcon({ state }: { state: StageState }) {
  const Icon = STAGE_ICONS[state];
  return <Icon aria-hidden="true" className={`h-3.5 w-3.5 shrink-0 ${state === 'running' ? 'animate-spin' : ''}`} strokeWidth={2.5} />;
}

export function PipelineStrip({ progress, iteration }: { progress: TaskProgress; iteration: string | null }) {
  return (
    <ol aria-label="Pipeline" className="flex flex-wrap items-center gap-x-1 gap-y-2 text-sm" data-testid="pipeline">
      {progress.stages.map(({ stage, state }, i) => {
        const note = stage === 'review' ? iteration : null;
        return (
          <li key={stage} className="flex items-center gap-1" data-stage={stage} data-state={state}>
            {i > 0 &&
              (stage === 'review' ? (
                <ArrowLeftRight aria-hidden="true" className="h-3.5 w-3.5 text-stone-400" />
              ) : (
                <ArrowRight aria-hidden="true" className="h-3.5 w-3.5 text-stone-400" />
              ))}
            <span
              className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 font-medium whitespace-nowrap ${STATE_STYLE[state]}`}
              aria-current={state === 'current' || state === 'running' || state === 'attention' ? 'step' : undefined}
              aria-label={`${STAGE_LABELS[stage]}${note ? `, ${note.toLowerCase()}` : ''}: ${STATE_WORDS[state]}`}
            >
              <StageIcon state={state} />
              {STAGE_LABELS[stage]}
              {note && <span className="font-normal text-xs">· {note}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
