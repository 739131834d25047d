// Prompt rendering (docs/behaviour/agents.md#prompt-rendering): `{{name}}` (or `{{ name }}`) is replaced by its
// value in one pass, so braces inside a value are never expanded again. A
// placeholder without a value throws, naming it — no silent empty strings.
import { AppError } from '../errors';

/**
 * A placeholder: an identifier between double braces, optional spaces inside.
 * Anything else between braces (`{{ a.b }}`, `${{ x-y }}`) is ordinary text.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The distinct variable names a template uses, in order of first use. */
export function variablesUsed(content: string): string[] {
  const seen = new Set<string>();
  for (const m of content.matchAll(PLACEHOLDER)) seen.add(m[1] as string);
  return [...seen];
}

/** A template uses variables the caller gave no value for. */
export class MissingPromptVariableError extends AppError {
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    const names = missing.map((n) => `{{${n}}}`).join(', ');
    super('VALIDATION_FAILED', `the prompt uses ${names}, which ${missing.length === 1 ? 'has' : 'have'} no value here`);
    this.name = 'MissingPromptVariableError';
    this.missing = missing;
  }
}

/**
 * Replaces every placeholder with its value, verbatim. An empty string is a
 * value; an absent key (or `undefined`) is not, and makes the call throw.
 */
export function renderPrompt(content: string, vars: Readonly<Record<string, string | undefined>>): string {
  const valueOf = (name: string): string | undefined => (Object.hasOwn(vars, name) ? vars[name] : undefined);
  const missing = variablesUsed(content).filter((name) => typeof valueOf(name) !== 'string');
  if (missing.length > 0) throw new MissingPromptVariableError(missing);
  return content.replace(PLACEHOLDER, (_match, name: string) => valueOf(name) as string);
}
