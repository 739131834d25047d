// @bottega/testkit: faithful local fakes of the model vendors and of GitHub that
// integration tests drive real CLIs with. The simulated Anthropic API and its
// scripted agent "brains" are product code (the offline demo's model) in
// @bottega/simulator; the test kit offers them under the same names.
export * from '@bottega/simulator';
export * from './claude/env';
export { startFakeChatCompletions } from './chat-completions/server';
export type { ChatFailOptions, FakeChatCompletions, FakeChatCompletionsOptions } from './chat-completions/server';
export { CHAT_TOOL_ALIASES } from './chat-completions/translate';
export type { ChatRequest, ChatMessage, ChatTool } from './chat-completions/wire';
export { startFakeGitHub } from './github/server';
export type { CiRunInfo, CreateRepoOptions, FakeCi, FakeGitHub, FakeGitHubOptions, PullRequestInfo, RepoHandle } from './github/server';
export type { CiCommandJob } from './github/ci-command';
export type { ReviewThreadInfo } from './github/threads';
export { ciFails, ciPasses } from './github/ci';
export type { CiJob, CiOutcome } from './github/ci';
export { ghEnv, gitRemoteUrl } from './github/env';
export { GH_HOST } from './github/urls';
export type { CheckConclusion, CheckRecord, CheckSpec, CheckStatus, StepSpec } from './github/checks';
export type { Mergeable, MergeStateStatus, Permission, PrState } from './github/model';
export type { GitHubGap, GitHubRequest, PushEvent } from './github/request-log';
export type { PayloadFactory, RecordedReview, ReviewCommentInput, ReviewInput } from './github/payload-factory';
export { deliverWebhook } from './github/webhooks';
export type { WebhookDelivery, WebhookDeliveryOptions, WebhookEvent } from './github/webhooks';
export { issueCommentEvent, issueFromPull, pullRequestEvent, pullRequestReviewEvent } from './github/webhook-payloads';
export type { IssueCommentEventInput, PullRequestEventInput, ReviewEventInput } from './github/webhook-payloads';
// The fake OpenAI Responses API (Codex), driven by the same brains.
export { startFakeOpenAI } from './openai/server';
export type { FakeOpenAI, FakeOpenAIOptions, OpenAIFailOptions } from './openai/server';
export { parseExecOutput, toMessagesRequest, toOutputItems, EXEC_TOOL } from './openai/translate';
export type { OutputItem, ResponsesRequest } from './openai/wire';
export { codexFakeConfig } from './openai/env';
// A throwaway PostgreSQL cluster (Debian's binaries, a temp folder, a free port).
export { postgresBinDir, startPostgresCluster } from './postgres/cluster';
export type { PostgresCluster } from './postgres/cluster';
export { freePort } from './net/free-port';
