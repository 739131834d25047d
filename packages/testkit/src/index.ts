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
