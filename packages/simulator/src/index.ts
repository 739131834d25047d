// @bottega/simulator: the simulated model of the offline demo (a newcomer
// without credentials can watch a pipeline). A faithful Anthropic Messages API
// (JSON and SSE) on 127.0.0.1, answered by a scripted brain: the directive
// brain, and the role brain that plays each Bottega agent from its rendered
// prompt. Product code (the server serves it); the test kit builds its other
// fakes on it and re-exports all of this.
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
// The role-playing brain: plays each Bottega agent role from its rendered prompt.
export { createRoleBrain, nextRoleAction } from './agents/role-brain';
export type { Action as RoleAction, RoleBrainOptions } from './agents/context';
export { detectRole, readPromptFacts, findSignalCommand } from './agents/prompt-facts';
export type { AgentRole, PromptFacts } from './agents/prompt-facts';
export { fileBlock, findMarker, parseFileBlocks, taskRequest } from './agents/request';
export type { FileBlockKind, FileEdit, TaskRequestSpec } from './agents/request';
export { parsePullRequestView, ciVerdict } from './agents/ci-state';
export { PLANNING_STEPS } from './agents/planning';
export { IMPLEMENTATION_STEPS } from './agents/implementation';
export { REVIEW_STEPS } from './agents/review';
export { REFINEMENT_STEPS } from './agents/refinement';
export { PR_STEPS } from './agents/pr-common';
export { PR_FEEDBACK_STEPS } from './agents/pr-feedback';
export { YOLO_STEPS } from './agents/yolo';
export type { CheckState, CiVerdict, PullRequestView } from './agents/ci-state';
