// What every provider's title generator asks its small model, and how the
// answer is cleaned (docs/behaviour/chat.md#titles). Providers differ only in the wire they use.
import type { TitleRequest } from './contract';

const MAX_EXCERPT = 2000;

export const TITLE_INSTRUCTIONS = [
  'You name chat conversations between a developer and a coding agent.',
  'Reply with a title of at most six words that says what the conversation is about.',
  'Plain text only: no quotes, no punctuation at the end, no preamble.',
].join(' ');

function excerpt(text: string): string {
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT)}…` : text;
}

/** The user message of a title request: the first exchange, trimmed. */
export function titleQuestion(req: Pick<TitleRequest, 'userText' | 'assistantText'>): string {
  return `The developer wrote:\n${excerpt(req.userText)}\n\nThe agent answered:\n${excerpt(req.assistantText)}\n\nTitle:`;
}

/** One line, no wrapping quotes or trailing dot, at most 80 characters; empty when nothing is left. */
export function cleanTitle(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  const unquoted = line
    .replace(/^(?:title:\s*)/i, '')
    .replace(/^["'`*#\s]+|["'`*\s]+$/g, '')
    .replace(/[.\s]+$/, '');
  return unquoted.length > 80 ? `${unquoted.slice(0, 79).trimEnd()}…` : unquoted;
}

/** The cleaned title of a model's answer; throws when nothing usable is left. */
export function titleFrom(text: string): string {
  const title = cleanTitle(text);
  if (!title) throw new Error('the model gave no title');
  return title;
}
