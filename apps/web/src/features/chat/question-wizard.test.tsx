// The AskUserQuestion wizard rendered for real: one step per question,
// single and multiple choice, the "Other" free text, and the exact
// AnswerQuestionBody it submits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { AnswerQuestionBody } from '@bottega/protocol';
import { colourQuestion, toppingsQuestion } from './chat-fixtures';
import { answerOf, buildAnswerBody, QuestionWizard } from './question-wizard';

afterEach(cleanup);

const submitButton = () => screen.getByRole('button', { name: 'Submit answers' }) as HTMLButtonElement;

describe('QuestionWizard', () => {
  it('submits the chosen option of a single question', () => {
    const onSubmit = vi.fn();
    render(<QuestionWizard toolUseId="tu_1" questions={[colourQuestion]} onSubmit={onSubmit} />);
    expect(screen.getByText('Calm and cool')).toBeTruthy();
    expect(submitButton().disabled).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: /Blue/ }));
    fireEvent.click(screen.getByRole('radio', { name: /Green/ }));
    fireEvent.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith({ toolUseId: 'tu_1', answers: { 'Which colour?': 'Green' } });
    // What the wizard sends is what the server accepts.
    expect(AnswerQuestionBody.safeParse(onSubmit.mock.calls[0]?.[0]).success).toBe(true);
  });

  it('walks through several questions with multi-select and free text', () => {
    const onSubmit = vi.fn();
    render(<QuestionWizard toolUseId="tu_2" questions={[colourQuestion, toppingsQuestion]} onSubmit={onSubmit} />);
    expect(screen.getByText('Question 1 of 2')).toBeTruthy();
    const next = screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Other'), { target: { value: 'Purple' } });
    fireEvent.click(next);

    expect(screen.getByText('Question 2 of 2')).toBeTruthy();
    expect(screen.getByText('Choose any that apply.')).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Basil/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Cheese/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Olives/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Olives/ }));
    fireEvent.change(screen.getByLabelText('Other'), { target: { value: 'Chili' } });

    // Going back keeps what was typed.
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect((screen.getByLabelText('Other') as HTMLInputElement).value).toBe('Purple');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    fireEvent.click(submitButton());
    expect(onSubmit).toHaveBeenCalledWith({
      toolUseId: 'tu_2',
      answers: { 'Which colour?': 'Purple', 'Which toppings?': 'Cheese, Basil, Chili' },
    });
  });

  it('shows a submission error', () => {
    render(
      <QuestionWizard toolUseId="tu_3" questions={[colourQuestion]} onSubmit={vi.fn()} error={new Error('pending question not found')} />,
    );
    expect(screen.getByRole('alert').textContent).toContain('pending question not found');
  });
});

describe('answers', () => {
  it('is null until every question has an answer', () => {
    expect(
      buildAnswerBody(
        't',
        [colourQuestion, toppingsQuestion],
        [
          { selected: ['Blue'], other: '' },
          { selected: [], other: ' ' },
        ],
      ),
    ).toBeNull();
    expect(answerOf(toppingsQuestion, { selected: ['Olives', 'Cheese'], other: '' })).toBe('Cheese, Olives');
    expect(answerOf(colourQuestion, { selected: ['Blue'], other: '' })).toBe('Blue');
  });
});
