// How a pull request's CI state reads, wherever it is shown (the task page's
// pull request banner, the board card beside the PR link).
import type { PrCiState } from '@bottega/protocol';

export const ciWords: Record<PrCiState, { label: string; tone: 'stone' | 'amber' | 'red' | 'green' }> = {
  none: { label: 'No CI checks', tone: 'stone' },
  pending: { label: 'CI running', tone: 'amber' },
  failure: { label: 'CI failing', tone: 'red' },
  success: { label: 'CI passed', tone: 'green' },
};
