// The AskUserQuestion wizard: one step per question (single or multiple
// choice, each option with its description, plus an "Other" free text), then
// the answers go to the server as AnswerQuestionBody — question text → the
// chosen label(s), comma-separated, or the free text.
import { useId, useState } from 'react';
import type { AnswerQuestionBody, UserQuestion } from '@bottega/protocol';
import { Button, InlineError } from '../../ui';

export interface QuestionChoice {
  selected: string[];
  other: string;
}

export const emptyChoice = (): QuestionChoice => ({ selected: [], other: '' });

/** The answer text of one question, or null when nothing is chosen yet. */
export function answerOf(q: UserQuestion, c: QuestionChoice): string | null {
  const other = c.other.trim();
  const parts = q.multiSelect
    ? [...q.options.map((o) => o.label).filter((l) => c.selected.includes(l)), ...(other ? [other] : [])]
    : other
      ? [other]
      : c.selected.slice(0, 1);
  return parts.length > 0 ? parts.join(', ') : null;
}

/** The request body, or null while a question is unanswered. */
export function buildAnswerBody(toolUseId: string, questions: UserQuestion[], choices: QuestionChoice[]): AnswerQuestionBody | null {
  const answers: Record<string, string> = {};
  for (const [i, q] of questions.entries()) {
    const a = answerOf(q, choices[i] ?? emptyChoice());
    if (a === null) return null;
    answers[q.question] = a;
  }
  return { toolUseId, answers };
}

/** Toggles (multi) or picks (single) an option; picking an option clears a single question's free text. */
export function choose(q: UserQuestion, c: QuestionChoice, label: string): QuestionChoice {
  if (q.multiSelect) return { ...c, selected: c.selected.includes(label) ? c.selected.filter((l) => l !== label) : [...c.selected, label] };
  return { selected: [label], other: '' };
}

export function QuestionWizard({
  toolUseId,
  questions,
  onSubmit,
  busy = false,
  error = null,
}: {
  toolUseId: string;
  questions: UserQuestion[];
  onSubmit: (body: AnswerQuestionBody) => void;
  busy?: boolean;
  error?: unknown;
}) {
  const [step, setStep] = useState(0);
  const [choices, setChoices] = useState<QuestionChoice[]>(() => questions.map(emptyChoice));
  const baseId = useId();
  const q = questions[step];
  if (!q) return null;
  const choice = choices[step] ?? emptyChoice();
  const setChoice = (c: QuestionChoice) => setChoices((all) => all.map((x, i) => (i === step ? c : x)));
  const last = step === questions.length - 1;
  const answered = answerOf(q, choice) !== null;
  const body = buildAnswerBody(toolUseId, questions, choices);
  const name = `${baseId}-q${step}`;

  return (
    <section
      aria-label="The agent asks"
      className="rounded-lg border border-indigo-300 bg-indigo-50 p-3 shadow-sm"
      data-testid="question-wizard"
    >
      <div className="mb-2 flex items-center justify-between gap-2 text-xs text-indigo-800">
        <span className="font-semibold uppercase tracking-wide">{q.header || 'Question'}</span>
        {questions.length > 1 && (
          <span>
            Question {step + 1} of {questions.length}
          </span>
        )}
      </div>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-stone-900">{q.question}</legend>
        <p className="mb-2 text-xs text-stone-600">{q.multiSelect ? 'Choose any that apply.' : 'Choose one.'}</p>
        <div className="flex flex-col gap-1.5">
          {q.options.map((o) => (
            <label
              key={o.label}
              className="flex cursor-pointer items-start gap-2 rounded-md border border-stone-200 bg-white p-2 text-sm hover:border-indigo-300"
            >
              <input
                type={q.multiSelect ? 'checkbox' : 'radio'}
                name={name}
                className="mt-0.5"
                checked={choice.selected.includes(o.label)}
                onChange={() => setChoice(choose(q, choice, o.label))}
              />
              <span className="min-w-0">
                <span className="font-medium">{o.label}</span>
                {o.description && <span className="block text-xs text-stone-600">{o.description}</span>}
              </span>
            </label>
          ))}
          <label className="flex flex-col gap-1 text-sm">
            <span className="text-stone-700">Other</span>
            <input
              type="text"
              value={choice.other}
              placeholder="Type another answer"
              onChange={(e) =>
                setChoice(
                  q.multiSelect
                    ? { ...choice, other: e.target.value }
                    : { selected: e.target.value.trim() ? [] : choice.selected, other: e.target.value },
                )
              }
              className="rounded-md border border-stone-300 px-2 py-1.5 outline-none focus:ring-2 focus:ring-indigo-400"
            />
          </label>
        </div>
      </fieldset>
      <InlineError error={error} />
      <div className="mt-3 flex justify-between gap-2">
        <Button variant="ghost" disabled={step === 0} onClick={() => setStep(step - 1)}>
          Back
        </Button>
        {last ? (
          <Button variant="primary" disabled={body === null} busy={busy} onClick={() => body && onSubmit(body)}>
            Submit answers
          </Button>
        ) : (
          <Button variant="primary" disabled={!answered} onClick={() => setStep(step + 1)}>
            Next
          </Button>
        )}
      </div>
    </section>
  );
}
