// @bottega/testkit: faithful local fakes of the model vendors and of GitHub, and the
// scripted agent "brain" that integration tests and the offline demo drive real CLIs with.
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
export { startFakeGitHub } from './github/server';
export type { CreateRepoOptions, FakeGitHub, FakeGitHubOptions, PullRequestInfo, RepoHandle } from './github/server';
export { ghEnv, gitRemoteUrl } from './github/env';
export { GH_HOST } from './github/urls';
export type { CheckConclusion, CheckRecord, CheckSpec, CheckStatus } from './github/checks';
export type { Mergeable, MergeStateStatus, Permission, PrState } from './github/model';
export type { GitHubGap, GitHubRequest, PushEvent } from './github/request-log';
export type { PayloadFactory, RecordedReview, ReviewCommentInput, ReviewInput } from './github/payload-factory';
export { deliverWebhook } from './github/webhooks';
export type { WebhookDelivery, WebhookDeliveryOptions, WebhookEvent } from './github/webhooks';
export { issueCommentEvent, issueFromPull, pullRequestEvent, pullRequestReviewEvent } from './github/webhook-payloads';
export type { IssueCommentEventInput, PullRequestEventInput, ReviewEventInput } from './github/webhook-payloads';
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
// The fake OpenAI Responses API (Codex), driven by the same brains.
export { startFakeOpenAI } from './openai/server';
export type { FakeOpenAI, FakeOpenAIOptions, OpenAIFailOptions } from './openai/server';
export { parseExecOutput, toMessagesRequest, toOutputItems, EXEC_TOOL } from './openai/translate';
export type { OutputItem, ResponsesRequest } from './openai/wire';
export { codexFakeConfig } from './openai/env';
