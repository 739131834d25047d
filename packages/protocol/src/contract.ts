// The API in one declaration: every route the server mounts, keyed by its
// method and path exactly as the server declares them, with what it answers
// and what it takes. The server's route table is typed from it (a handler
// answering another shape does not compile); the web app's client is typed
// from it (the path picks the body, query and answer types); a unit test
// checks that the two tables name the same routes (docs/decisions/0009).
import type { z } from 'zod';
import {
  AddMemberBody,
  AdminCreateUserBody,
  AdminResetPasswordBody,
  AdminUpdateUserBody,
  AgentSettingsBody,
  AnswerQuestionBody,
  ChangePasswordBody,
  ChatMessageBody,
  ConnectAnthropicBody,
  ConnectOpenAIBody,
  ConnectOpencodeBody,
  CreateProjectBody,
  CreateTaskBody,
  LoginBody,
  ModelPriceKey,
  ProfileBody,
  PutModelPriceBody,
  RegisterBody,
  RenameConversationBody,
  SavePromptBody,
  SetupTokenCodeBody,
  SignalBody,
  StartChatBody,
  StartRunBody,
  TaskDocumentBody,
  UpdateInstanceSettingsBody,
  UpdateMemberBody,
  UpdateProjectBody,
  UpdateTaskBody,
} from './api';
import type { TaskListQuery, TranscriptQuery } from './api';
import { PutAllowedHostsBody } from './sandbox';
import { PutPrSettingsBody } from './pull-request';
import { PutWipLimitsBody } from './wip-limits';
import { PutCapacityBody, type CapacityResponse } from './capacity';
import type { ClusterResponse, HealthLiveResponse, HealthReadyResponse } from './cluster';
import type * as R from './responses';
import type { InboxResponse } from './needs-you';
import type { TaskSearchQuery, TaskSearchResponse } from './search';

/** How a route answers: JSON, nothing (204), or a file download. */
export type AnswerKind = 'json' | 'empty' | 'file';

/**
 * One route's contract. `body` and `answer` exist at runtime (the route-table
 * test compares them with the server's declarations); `types` is never set:
 * it only carries the answer, request body and query types.
 */
export interface RouteContract<Res, Body, Query, A extends AnswerKind = AnswerKind> {
  readonly body: 'json' | 'multipart' | null;
  readonly answer: A;
  readonly types?: { response: Res; body: Body; query: Query };
}

const entry = <Res, Body = undefined, Query = undefined, A extends AnswerKind = 'json'>(
  body: RouteContract<Res, Body, Query>['body'],
  answer: A,
): RouteContract<Res, Body, Query, A> => ({ body, answer });

/** No body; answers `Res` as JSON. */
const answers = <Res>() => entry<Res>(null, 'json');
/** A JSON body: the schema the server validates it with names its type (the client sends the schema's input). */
const json = <S extends z.ZodType>(_schema: S) => ({ answers: <Res>() => entry<Res, z.input<S>>('json', 'json') });
/** A query string, of the input type of the schema `S` the server reads it with. */
const query = <S extends z.ZodType>() => ({ answers: <Res>() => entry<Res, undefined, z.input<S>>(null, 'json') });
/** A multipart upload of files. */
const multipart = { answers: <Res>() => entry<Res, FormData>('multipart', 'json') };
/** Answers 204 with no body. */
const empty = () => entry<undefined, undefined, undefined, 'empty'>(null, 'empty');
/** Answers the bytes of a file as a download (never rendered). */
const file = () => entry<string, undefined, undefined, 'file'>(null, 'file');

export const apiContract = {
  'GET /api/health': answers<R.OkResponse>(),
  'GET /api/health/live': answers<HealthLiveResponse>(),
  'GET /api/health/ready': answers<HealthReadyResponse>(),

  'GET /api/auth/status': answers<R.AuthStatusResponse>(),
  'POST /api/auth/register': json(RegisterBody).answers<R.UserResponse>(),
  'POST /api/auth/login': json(LoginBody).answers<R.UserResponse>(),
  'POST /api/auth/logout': answers<R.OkResponse>(),
  'GET /api/auth/me': answers<R.UserResponse>(),
  'POST /api/auth/password': json(ChangePasswordBody).answers<R.UserResponse>(),
  'PATCH /api/auth/profile': json(ProfileBody).answers<R.UserResponse>(),
  'GET /api/auth/api-key': answers<R.ApiKeyStatusResponse>(),
  'POST /api/auth/api-key': answers<R.NewApiKeyResponse>(),
  'DELETE /api/auth/api-key': answers<R.ApiKeyStatusResponse>(),

  'GET /api/admin/users': answers<R.UsersResponse>(),
  'POST /api/admin/users': json(AdminCreateUserBody).answers<R.UserResponse>(),
  'PATCH /api/admin/users/:userId': json(AdminUpdateUserBody).answers<R.UserResponse>(),
  'POST /api/admin/users/:userId/password': json(AdminResetPasswordBody).answers<R.UserResponse>(),
  'DELETE /api/admin/users/:userId': empty(),
  'GET /api/projects/:projectId/members': answers<R.MembersResponse>(),
  'POST /api/projects/:projectId/members': json(AddMemberBody).answers<R.MembersResponse>(),
  'PATCH /api/projects/:projectId/members/:userId': json(UpdateMemberBody).answers<R.MembersResponse>(),
  'DELETE /api/projects/:projectId/members/:userId': answers<R.MembersResponse>(),
  'GET /api/admin/settings': answers<R.InstanceSettingsResponse>(),
  'PATCH /api/admin/settings': json(UpdateInstanceSettingsBody).answers<R.InstanceSettingsResponse>(),

  'GET /api/projects': answers<R.ProjectsResponse>(),
  'GET /api/inbox': answers<InboxResponse>(),
  'GET /api/search/tasks': query<typeof TaskSearchQuery>().answers<TaskSearchResponse>(),
  'POST /api/projects': json(CreateProjectBody).answers<R.ProjectResponse>(),
  'GET /api/projects/:projectId': answers<R.ProjectResponse>(),
  'PATCH /api/projects/:projectId': json(UpdateProjectBody).answers<R.ProjectResponse>(),
  'DELETE /api/projects/:projectId': empty(),
  'POST /api/projects/:projectId/clone': answers<R.ProjectResponse>(),

  'GET /api/projects/:projectId/tasks': query<typeof TaskListQuery>().answers<R.TaskPageResponse>(),
  'POST /api/projects/:projectId/tasks': json(CreateTaskBody).answers<R.TaskResponse>(),
  'GET /api/tasks/:taskId': answers<R.TaskDetailResponse>(),
  'PATCH /api/tasks/:taskId': json(UpdateTaskBody).answers<R.TaskResponse>(),
  'DELETE /api/tasks/:taskId': empty(),
  'POST /api/tasks/:taskId/merge': answers<R.TaskResponse>(),
  'GET /api/tasks/:taskId/diff': answers<R.TaskDiffResponse>(),
  'GET /api/tasks/:taskId/document': answers<R.TaskDocumentResponse>(),
  'PUT /api/tasks/:taskId/document': json(TaskDocumentBody).answers<R.SavedTaskDocumentResponse>(),
  'GET /api/tasks/:taskId/files': answers<R.InputFilesResponse>(),
  'POST /api/tasks/:taskId/files': multipart.answers<R.InputFilesResponse>(),
  'GET /api/tasks/:taskId/files/:name': file(),
  'DELETE /api/tasks/:taskId/files/:name': empty(),

  'POST /api/tasks/:taskId/agent-runs': json(StartRunBody).answers<R.RunResponse>(),
  'POST /api/agent-runs/:runId/resume': answers<R.RunResponse>(),
  'POST /api/agent-runs/:runId/cancel': answers<R.RunResponse>(),
  // Agents only, with their run token.
  'POST /api/signals': json(SignalBody).answers<R.SignalResponse>(),
  'GET /api/tasks/:taskId/agent-runs': answers<R.RunsResponse>(),
  'GET /api/projects/:projectId/active-runs': answers<R.RunsResponse>(),
  'GET /api/agent-runs/:runId': answers<R.RunResponse>(),
  'GET /api/tasks/:taskId/conversations': answers<R.ConversationsResponse>(),
  'GET /api/conversations/:conversationId': answers<R.ConversationResponse>(),

  'GET /api/tasks/:taskId/commands': answers<R.SlashCommandsResponse>(),
  'GET /api/tasks/:taskId/chat-images/:name': file(),
  'POST /api/tasks/:taskId/tmp-files': multipart.answers<R.TmpFilesResponse>(),
  'POST /api/tasks/:taskId/conversations': json(StartChatBody).answers<R.ConversationResponse>(),
  'POST /api/conversations/:conversationId/messages': json(ChatMessageBody).answers<R.OkResponse>(),
  'PATCH /api/conversations/:conversationId': json(RenameConversationBody).answers<R.ConversationResponse>(),
  'POST /api/conversations/:conversationId/stop': answers<R.StopResponse>(),
  'POST /api/conversations/:conversationId/answer': json(AnswerQuestionBody).answers<R.AnswerResponse>(),
  'GET /api/conversations/:conversationId/live': answers<R.ConversationLiveResponse>(),
  'GET /api/conversations/:conversationId/messages': query<typeof TranscriptQuery>().answers<R.TranscriptPageResponse>(),

  'GET /api/providers': answers<R.ProvidersResponse>(),
  'PUT /api/providers/anthropic': json(ConnectAnthropicBody).answers<R.ClaudeConnectionResponse>(),
  'DELETE /api/providers/anthropic': answers<R.ClaudeConnectionResponse>(),
  'POST /api/providers/anthropic/simulated': answers<R.SimulatedConnectionResponse>(),
  'POST /api/providers/anthropic/setup-token/start': answers<R.SetupTokenStartResponse>(),
  'POST /api/providers/anthropic/setup-token/complete': json(SetupTokenCodeBody).answers<R.SetupTokenCompleteResponse>(),
  'POST /api/providers/anthropic/setup-token/cancel': answers<R.SetupTokenStatusResponse>(),
  'GET /api/providers/anthropic/setup-token': answers<R.SetupTokenStatusResponse>(),
  'PUT /api/providers/openai': json(ConnectOpenAIBody).answers<R.CodexConnectionResponse>(),
  'DELETE /api/providers/openai': answers<R.CodexConnectionResponse>(),
  'POST /api/providers/openai/device-login/start': answers<R.DeviceLoginStartResponse>(),
  'GET /api/providers/openai/device-login': answers<R.DeviceLoginStatusResponse>(),
  'POST /api/providers/openai/device-login/cancel': answers<R.DeviceLoginStatusResponse>(),
  'PUT /api/providers/opencode': json(ConnectOpencodeBody).answers<R.OpencodeConnectionResponse>(),
  'DELETE /api/providers/opencode': answers<R.OpencodeConnectionResponse>(),
  'GET /api/providers/opencode/models': answers<R.OpencodeModelsResponse>(),
  'GET /api/agent-settings': answers<R.AgentSettingsResponse>(),
  'PUT /api/agent-settings': json(AgentSettingsBody).answers<R.AgentSettingsResponse>(),

  'GET /api/prompts': answers<R.PromptsResponse>(),
  'GET /api/prompts/:name': answers<R.PromptResponse>(),
  'PUT /api/prompts/:name': json(SavePromptBody).answers<R.PromptResponse>(),
  'DELETE /api/prompts/:name': answers<R.PromptResponse>(),

  'GET /api/webhooks/health': answers<R.WebhookHealthResponse>(),
  // GitHub's delivery: its body is read raw and checked against the signature, not sent by the app.
  'POST /api/webhooks/github': answers<R.WebhookDeliveryResponse>(),

  'GET /api/tasks/:taskId/usage': answers<R.TaskUsageResponse>(),
  'GET /api/projects/:projectId/usage': answers<R.ProjectUsageResponse>(),
  'GET /api/admin/prices': answers<R.PricesResponse>(),
  'PUT /api/admin/prices': json(PutModelPriceBody).answers<R.PriceResponse>(),
  'DELETE /api/admin/prices': json(ModelPriceKey).answers<R.PriceDeletedResponse>(),

  'GET /api/admin/sandbox': answers<R.SandboxStatusResponse>(),
  'GET /api/admin/capacity': answers<CapacityResponse>(),
  'PUT /api/admin/capacity': json(PutCapacityBody).answers<CapacityResponse>(),
  'GET /api/admin/cluster': answers<ClusterResponse>(),
  'GET /api/projects/:projectId/allowed-hosts': answers<R.AllowedHostsResponse>(),
  'PUT /api/projects/:projectId/allowed-hosts': json(PutAllowedHostsBody).answers<R.AllowedHostsResponse>(),
  'GET /api/projects/:projectId/pr-settings': answers<R.PrSettingsResponse>(),
  'PUT /api/projects/:projectId/pr-settings': json(PutPrSettingsBody).answers<R.PrSettingsResponse>(),
  'GET /api/projects/:projectId/wip-limits': answers<R.WipLimitsResponse>(),
  'PUT /api/projects/:projectId/wip-limits': json(PutWipLimitsBody).answers<R.WipLimitsResponse>(),
  'GET /api/tasks/:taskId/pull-request': answers<R.PullRequestStageResponse>(),
} as const;

export type ApiRoutes = typeof apiContract;
export type ApiRouteKey = keyof ApiRoutes;

type TypesOf<K extends ApiRouteKey> =
  ApiRoutes[K] extends RouteContract<infer Res, infer Body, infer Query> ? { response: Res; body: Body; query: Query } : never;
/** What the route answers (undefined for 204; the raw text for a download). */
export type ApiResponse<K extends ApiRouteKey> = TypesOf<K>['response'];
/** The request body the route takes (undefined: none). */
export type ApiBody<K extends ApiRouteKey> = TypesOf<K>['body'];
/** The query string the route reads (undefined: none). */
export type ApiQuery<K extends ApiRouteKey> = TypesOf<K>['query'];
/** How the route answers. */
export type ApiAnswerKind<K extends ApiRouteKey> = ApiRoutes[K]['answer'];

/** The method and path parts of a route key. */
export type MethodOf<K extends string> = K extends `${infer M} ${string}` ? M : never;
export type PathOf<K extends string> = K extends `${string} ${infer P}` ? P : never;
/** The `:name` parameters of a path. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;
