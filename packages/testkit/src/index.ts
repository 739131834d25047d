// @bottega/testkit: faithful local fakes of the model vendors and the scripted
// agent "brain" that integration tests and the offline demo drive real CLIs with.
export * from './anthropic/wire';
export * from './anthropic/errors';
export * from './anthropic/sse';
export * from './anthropic/directives';
export { safeJson, scanDirectives } from './anthropic/directive-syntax';
export type { RawDirective } from './anthropic/directive-syntax';
export * from './anthropic/history';
export * from './anthropic/brain';
export * from './anthropic/schema-check';
export type { RecordedRequest, RecordedResponse } from './anthropic/request-log';
export * from './anthropic/server';
export * from './claude/env';
