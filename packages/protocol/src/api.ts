// REST request bodies: the API contract. The server validates every body with
// these schemas; the web app builds its forms from the same types. Every text
// field goes through `singleLine` or `multiLine` (text.ts): control characters
// are refused with a 400.
import { z } from 'zod';
import { multiLine, singleLine } from './text';
import { AgentType, MAX_ROW_ID, ProjectRole, ProviderName, RowId, TaskStatus } from './domain';
import { cloneUrlProblem } from './repo-url';

const trimmed = (max: number) => singleLine(z.string().trim().min(1).max(max));

export const Username = singleLine(
  z
    .string()
    .trim()
    .min(2, 'username must be at least 2 characters')
    .max(64, 'username must be at most 64 characters')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'username may contain letters, digits, dot, dash and underscore'),
);
export const Password = singleLine(
  z.string().min(8, 'password must be at least 8 characters').max(256, 'password must be at most 256 characters'),
);

export const RegisterBody = z.object({ username: Username, password: Password }).strict();
export const LoginBody = z
  .object({ username: singleLine(z.string().min(1).max(64)), password: singleLine(z.string().min(1).max(256)) })
  .strict();
export const ChangePasswordBody = z.object({ currentPassword: singleLine(z.string().min(1).max(256)), newPassword: Password }).strict();
export const ProfileBody = z
  .object({
    isTechnical: z.boolean().optional(),
    hasCompletedOnboarding: z.boolean().optional(),
    gitName: singleLine(z.string().trim().max(200)).nullable().optional(),
    gitEmail: singleLine(z.email().max(320)).nullable().optional(),
  })
  .strict();

export const AdminCreateUserBody = z.object({ username: Username, password: Password, isAdmin: z.boolean().optional() }).strict();
export const AdminUpdateUserBody = z
  .object({ username: Username.optional(), isActive: z.boolean().optional(), isAdmin: z.boolean().optional() })
  .strict();
export const AdminResetPasswordBody = z.object({ password: Password }).strict();
export const AddMemberBody = z.object({ userId: RowId, role: ProjectRole.optional() }).strict();
export const UpdateMemberBody = z.object({ role: ProjectRole }).strict();

/** A server-side path typed by a user: absolute, no control characters, bounded. */
export const ServerPath = singleLine(z.string().trim().min(1).max(4096));
/** A path inside the repository: relative, no `..` segments. */
export const RelativeSubPath = singleLine(z.string().trim().max(1024))
  .refine((p) => !p.startsWith('/'), 'subproject path must be relative to the repository')
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'subproject path must not contain ".."');

/** A repository URL a project may be cloned from (see cloneUrlProblem). */
export const RepoUrl = z
  .string()
  .trim()
  .superRefine((url, ctx) => {
    const problem = cloneUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A project points at an existing checkout on the server (`repoPath`,
 * administrators only) or is cloned from a URL into a repository root
 * (`repoUrl`, anyone): exactly one of the two.
 */
export const CreateProjectBody = z
  .object({
    name: trimmed(200),
    repoPath: ServerPath.optional(),
    repoUrl: RepoUrl.optional(),
    subprojectPath: RelativeSubPath.nullable().optional(),
  })
  .strict()
  .refine(
    (b) => (b.repoPath === undefined) !== (b.repoUrl === undefined),
    'give either repoPath (an existing checkout) or repoUrl (a repository to clone), not both',
  );
export const UpdateProjectBody = z
  .object({
    name: trimmed(200).optional(),
    repoPath: ServerPath.optional(),
    subprojectPath: RelativeSubPath.nullable().optional(),
  })
  .strict();

export const CreateTaskBody = z
  .object({
    title: trimmed(300),
    description: multiLine(z.string().max(200_000)).optional(),
    yoloMode: z.boolean().optional(),
  })
  .strict();
export const UpdateTaskBody = z
  .object({
    title: trimmed(300).optional(),
    status: TaskStatus.optional(),
  })
  .strict();
/** Query of the board listing: newest first, paged by an opaque cursor. */
export const TaskListQuery = z
  .object({
    status: TaskStatus.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: singleLine(z.string().max(200)).optional(),
  })
  .strict();
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const TaskDocumentBody = z.object({ content: multiLine(z.string().max(2_000_000)) }).strict();

export const UpdateInstanceSettingsBody = z
  .object({
    triggerHandle: singleLine(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'handle must be a GitHub login (letters, digits, dashes)'),
    ).optional(),
  })
  .strict();

export type RegisterBody = z.infer<typeof RegisterBody>;
export type LoginBody = z.infer<typeof LoginBody>;
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;
export type UpdateProjectBody = z.infer<typeof UpdateProjectBody>;
export type AddMemberBody = z.infer<typeof AddMemberBody>;
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;
export type UpdateTaskBody = z.infer<typeof UpdateTaskBody>;

/** Image types a chat message may carry (to providers with the `supportsImages` capability). */
export const chatImageTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const ChatImageType = z.enum(chatImageTypes);
export type ChatImageType = z.infer<typeof ChatImageType>;
/** Largest image (decoded bytes) and most images per message; the JSON body limit bounds the total too. */
export const MAX_CHAT_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_CHAT_IMAGES = 4;

/** One image sent with a chat message, base64-encoded. The server checks its bytes against `mediaType`. */
export const ChatImage = z
  .object({
    mediaType: ChatImageType,
    data: z
      .string()
      .min(1, 'image data must not be empty')
      .max(Math.ceil(MAX_CHAT_IMAGE_BYTES / 3) * 4, `images are limited to ${MAX_CHAT_IMAGE_BYTES} bytes`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'image data must be base64'),
  })
  .strict();
export type ChatImage = z.infer<typeof ChatImage>;
const chatImages = z.array(ChatImage).max(MAX_CHAT_IMAGES, `at most ${MAX_CHAT_IMAGES} images per message`);

/** Starts a manual chat on a task with an explicit provider and model (never defaulted). */
export const StartChatBody = z
  .object({
    provider: ProviderName,
    model: singleLine(z.string().trim().min(1).max(200)),
    effort: singleLine(z.string().trim().min(1).max(32)).nullable().optional(),
    message: multiLine(z.string().trim().min(1, 'message must not be empty').max(200_000)),
    images: chatImages.optional(),
  })
  .strict();
export type StartChatBody = z.infer<typeof StartChatBody>;

export const ChatMessageBody = z
  .object({ message: multiLine(z.string().trim().min(1, 'message must not be empty').max(200_000)), images: chatImages.optional() })
  .strict();
export type ChatMessageBody = z.infer<typeof ChatMessageBody>;

/** The user's answers to an AskUserQuestion call: question text → chosen option label(s) or free text. */
export const AnswerQuestionBody = z
  .object({
    toolUseId: singleLine(z.string().min(1).max(200)),
    answers: z.record(multiLine(z.string().max(2000)), multiLine(z.string().max(10_000))),
  })
  .strict();
export type AnswerQuestionBody = z.infer<typeof AnswerQuestionBody>;

/** History paging: forwards after a seq, or the page before a seq (newest page: beforeSeq omitted, tail=true). */
export const TranscriptQuery = z
  .object({
    afterSeq: z.coerce.number().int().min(0).max(MAX_ROW_ID).optional(),
    beforeSeq: z.coerce.number().int().min(1).max(MAX_ROW_ID).optional(),
    tail: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

/** The code Claude's sign-in page shows, typed into the in-app setup-token flow. */
export const SetupTokenCodeBody = z.object({ code: singleLine(z.string().trim().min(1).max(2000)) }).strict();

const providerSecret = z
  .string()
  .min(8, 'is too short')
  .max(1000, 'is too long')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** An http(s) URL, e.g. a gateway or proxy in front of a model vendor. */
export const HttpUrl = singleLine(z.string().max(2000)).refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

/** Connects Claude Code for the caller: an API key or an OAuth token, plus an optional base URL. */
export const ConnectAnthropicBody = z
  .object({
    apiKey: providerSecret.optional(),
    oauthToken: providerSecret.optional(),
    baseUrl: HttpUrl.nullable().optional(),
  })
  .strict()
  .refine((c) => (c.apiKey === undefined) !== (c.oauthToken === undefined), {
    message: 'exactly one of apiKey and oauthToken is required',
  });
export type ConnectAnthropicBody = z.infer<typeof ConnectAnthropicBody>;

/**
 * Connects Codex for the caller: an API key, or the `auth.json` of a ChatGPT
 * sign-in pasted whole, or neither (keeps the current sign-in and only changes
 * the base URL). `baseUrl` routes Codex through a custom Responses provider.
 */
export const ConnectOpenAIBody = z
  .object({
    apiKey: providerSecret.optional(),
    authJson: multiLine(z.string().min(2).max(65_536)).optional(),
    baseUrl: HttpUrl.nullable().optional(),
  })
  .strict()
  .refine((c) => c.apiKey === undefined || c.authJson === undefined, { message: 'give an API key or an auth.json, not both' });
export type ConnectOpenAIBody = z.infer<typeof ConnectOpenAIBody>;

/** A model id of a custom OpenAI-compatible provider, as its API names it. */
const customModelId = singleLine(z.string().trim().min(1).max(200)).regex(
  /^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/,
  'must be a model id (letters, digits and . _ : @ / -)',
);

/**
 * Connects OpenCode for the caller: an OpenCode Zen key, or a custom
 * OpenAI-compatible provider (its base URL, key and the models it serves).
 */
export const ConnectOpencodeBody = z.union([
  z.object({ zenKey: providerSecret }).strict(),
  z
    .object({
      custom: z
        .object({
          baseUrl: HttpUrl,
          apiKey: providerSecret,
          models: z.array(customModelId).min(1, 'list at least one model').max(50),
        })
        .strict(),
    })
    .strict(),
]);
export type ConnectOpencodeBody = z.infer<typeof ConnectOpencodeBody>;

/** One agent role's model: the provider, its model id and its effort (null where the provider has none). */
export const RoleModel = z
  .object({
    provider: ProviderName,
    model: singleLine(z.string().trim().min(1).max(200)),
    effort: singleLine(z.string().trim().min(1).max(32)).nullable(),
  })
  .strict();
export type RoleModel = z.infer<typeof RoleModel>;

/** The caller's model for each of the six agent roles: all six, always explicit. */
export const AgentSettingsBody = z
  .object({
    settings: z
      .object({
        planification: RoleModel,
        implementation: RoleModel,
        review: RoleModel,
        refinement: RoleModel,
        pr: RoleModel,
        yolo: RoleModel,
      })
      .strict(),
  })
  .strict();
export type AgentSettingsBody = z.infer<typeof AgentSettingsBody>;

/**
 * Starts an agent run on a task by hand. `note`: only with planning — what the
 * user wants changed in the plan ("Revise plan"); the planning prompt carries it.
 */
export const StartRunBody = z
  .object({
    agentType: AgentType,
    note: multiLine(z.string().trim().min(1, 'the note must not be empty').max(20_000)).optional(),
  })
  .strict()
  .refine((b) => b.note === undefined || b.agentType === 'planification', { message: 'a note goes only with planning', path: ['note'] });

/**
 * Saves an instance-wide prompt override. `expectedMtime` is the mtime the
 * editor loaded (null: no override existed); any other mtime on disk → 409.
 */
export const SavePromptBody = z
  .object({
    content: multiLine(z.string().max(200_000, 'content must be at most 200000 characters')).refine(
      (s) => s.trim().length > 0,
      'content must not be empty; delete the override to revert to the default',
    ),
    expectedMtime: z.number().nonnegative().nullable(),
  })
  .strict();
export type SavePromptBody = z.infer<typeof SavePromptBody>;

/** A conversation title typed by the user. */
export const RenameConversationBody = z.object({ title: trimmed(200) }).strict();
export type RenameConversationBody = z.infer<typeof RenameConversationBody>;

const perMTok = z.number().finite().min(0).max(100_000);
/** Identifies one price row: a provider and a model id exactly as runs record it. */
export const ModelPriceKey = z.object({ provider: ProviderName, model: singleLine(z.string().trim().min(1).max(200)) }).strict();
export type ModelPriceKey = z.infer<typeof ModelPriceKey>;
/** Creates or replaces the price of one model, in US dollars per million tokens. */
export const PutModelPriceBody = ModelPriceKey.extend({
  inputPerMTok: perMTok,
  outputPerMTok: perMTok,
  cacheReadPerMTok: perMTok,
  cacheWritePerMTok: perMTok,
}).strict();
export type PutModelPriceBody = z.infer<typeof PutModelPriceBody>;

/** The signals an agent sends to change the workflow (POST /api/signals, with its run token). */
export const SignalName = z.enum(['plan-complete', 'workflow-complete', 'workflow-blocked', 'pr-complete']);
export type SignalName = z.infer<typeof SignalName>;

export const SignalBody = z
  .object({ signal: SignalName, reason: multiLine(z.string().trim().min(1).max(2000)).optional() })
  .strict()
  .refine((b) => b.signal !== 'workflow-blocked' || b.reason !== undefined, { message: 'workflow-blocked needs a reason' });
export type SignalBody = z.infer<typeof SignalBody>;
