// Where and how a turn on a task runs. `taskTurnSetup` serves chats and agent
// runs alike: the task's worktree, its context prompt, its share of the
// sandbox, no permission prompts. `runTurnSetup` is the one builder of an
// agent run's turn, used by the start and by the resume alike, so a resumed
// run gets exactly what a started one got: the role's tools, the user's git
// identity, the GitHub credentials of the roles that open pull requests, the
// run's signal credentials, the transient retries, the provider credentials.
import { join } from 'node:path';
import type { AgentType, ProviderName } from '@bottega/protocol';
import type { ProjectRow, TaskRow } from '../db/schema';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { AgentEnvironment, DisallowableTool } from '../harness/contract';
import type { TurnSetup } from '../harness/runtime';
import { allowedHostsOf } from '../sandbox/allowed-hosts';
import { isInside } from '../sandbox/bwrap-args';
import { taskConfinement } from '../sandbox/confinement';
import { buildContextPrompt } from '../workspace/context-prompt';
import { effectiveCwd } from '../workspace/cwd';
import { listInputFiles } from '../workspace/input-files';
import { devServerPort, taskArchive } from '../workspace/paths';
import { listTmpFiles } from '../workspace/tmp-files';
import { signalEnvironment } from './signal-command';

/** Where and how any turn on this task runs (chats and agent runs): its worktree, its context prompt, no permission prompts. */
export async function taskTurnSetup(
  deps: Pick<Deps, 'config' | 'db'>,
  project: ProjectRow,
  task: TaskRow,
  userId: number,
): Promise<TurnSetup> {
  if (task.workspace_status === 'preparing')
    throw new AppError('CONFLICT', "the task's worktree is still being prepared; try again in a moment");
  if (task.workspace_status === 'failed')
    throw new AppError('CONFLICT', `the task's worktree could not be prepared: ${task.workspace_error ?? 'unknown error'}`);
  const cwd = await effectiveCwd({
    repoPath: project.repo_path,
    subprojectPath: project.subproject_path,
    worktreePath: task.worktree_path,
  });
  const archive = taskArchive(deps.config.home, project.id, task.id);
  const inputFiles = (await listInputFiles(archive.inputFilesDir)).map((f) => join(archive.inputFilesDir, f.name));
  const tmpFiles = await listTmpFiles(task.worktree_path);
  const context = buildContextPrompt({
    taskId: task.id,
    documentPath: archive.documentPath,
    inputFiles,
    tmpFiles,
    devServerPort: devServerPort(task.id),
    cwd,
  });
  // The agent works in its worktree, or in the repository itself when the worktree is gone.
  const root = task.worktree_path && isInside(task.worktree_path, cwd) ? task.worktree_path : project.repo_path;
  const confinement = await taskConfinement({
    worktreePath: root,
    cwd,
    archiveDir: archive.taskDir,
    hosts: await allowedHostsOf(deps.db, project.id),
  });
  return {
    taskId: task.id,
    projectId: project.id,
    userId,
    cwd,
    confinement,
    systemPrompt: { mode: 'append', text: context },
    permissionMode: 'bypass',
    disallowedTools: [],
  };
}

/** Roles that may not delegate to sub-agents, and roles that may not stop to ask. */
const NO_SUBAGENTS: readonly AgentType[] = ['implementation', 'yolo'];
const MAY_ASK: readonly AgentType[] = ['planification'];

/** Roles that talk to GitHub: they get the server's GitHub settings (gh token, host, proxy). */
const USES_GITHUB: readonly AgentType[] = ['pr', 'yolo'];
const GITHUB_VARS = [
  'GH_TOKEN',
  'GITHUB_TOKEN',
  'GH_HOST',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
];

interface GitIdentity {
  username: string;
  git_name: string | null;
  git_email: string | null;
}

/**
 * What a run adds to the agent's environment: commits made in the user's
 * name (their git identity from the profile), and — for the roles that open
 * pull requests — the server's GitHub credentials, with git using gh for them.
 */
export function runEnvironment(agentType: AgentType, user: GitIdentity): Record<string, string> {
  const name = user.git_name ?? user.username;
  const email = user.git_email ?? `${user.username}@users.noreply.bottega.local`;
  const env: Record<string, string> = {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
  };
  if (!USES_GITHUB.includes(agentType)) return env;
  for (const key of GITHUB_VARS) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  if (env.http_proxy || env.https_proxy || env.HTTP_PROXY || env.HTTPS_PROXY) {
    // A proxy for GitHub must not capture the agent's own model endpoint on this machine
    // (by address: a `localhost` entry would also match hosts like github.localhost).
    const bypass = [env.no_proxy ?? env.NO_PROXY, '127.0.0.1', '::1'].filter(Boolean).join(',');
    env.no_proxy = bypass;
    env.NO_PROXY = bypass;
  }
  return {
    ...env,
    GH_PROMPT_DISABLED: '1',
    GH_NO_UPDATE_NOTIFIER: '1',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '!gh auth git-credential',
  };
}

export function disallowedFor(agentType: AgentType): DisallowableTool[] {
  const tools: DisallowableTool[] = [];
  if (NO_SUBAGENTS.includes(agentType)) tools.push('subagents');
  if (!MAY_ASK.includes(agentType)) tools.push('ask-user');
  return tools;
}

export interface RunTurnInput {
  project: ProjectRow;
  task: TaskRow;
  agentType: AgentType;
  actingUserId: number;
  provider: ProviderName;
  /** The run's signal token (its hash is stored on the run). */
  token: string;
}

export interface RunTurn {
  /** The turn's setup, ready for `harness.start`/`resume` once the run's hooks are added. */
  setup: TurnSetup;
  /** The provider environment with the acting user's credentials. */
  env: AgentEnvironment;
  /** The acting user's profile: a non-technical user gets the plain-language plan prompt. */
  technical: boolean;
}

/**
 * Everything an agent run's turn needs, checked before anything is written:
 * a missing provider connection is a 403, a server not yet listening a 409.
 */
export async function runTurnSetup(deps: Pick<Deps, 'config' | 'db' | 'providers' | 'address'>, input: RunTurnInput): Promise<RunTurn> {
  const base = await taskTurnSetup(deps, input.project, input.task, input.actingUserId);
  const env = await deps.providers.get(input.provider).environmentFor(input.actingUserId);
  const actor = await deps.db
    .selectFrom('users')
    .select(['is_technical', 'username', 'git_name', 'git_email'])
    .where('id', '=', input.actingUserId)
    .executeTakeFirstOrThrow();
  if (!deps.address.url) throw new AppError('CONFLICT', 'the server is not listening yet');
  return {
    setup: {
      ...base,
      disallowedTools: disallowedFor(input.agentType),
      extraEnv: { ...runEnvironment(input.agentType, actor), ...signalEnvironment(deps.address.url, input.token) },
      transientRetries: 2,
    },
    env,
    technical: actor.is_technical === 1,
  };
}
