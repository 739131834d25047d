// Builds an agent run's prompt (docs/behaviour/agents.md#prompts): the role's template (an
// instance override wins) rendered with the task's facts — document path,
// worktree, branch, signal command, plan template, PR status or feedback.
// A variable the template needs but the run cannot supply throws.
import type { AgentType, PrUpdateStrategy } from '@bottega/protocol';
import type { ProjectRow, TaskRow } from '../db/schema';
import type { Deps } from '../deps';
import { detectDefaultBranch } from '../forge/git';
import { githubRepoOf, describePullRequest } from '../forge/github';
import { renderPrompt, variablesUsed } from '../prompts/render';
import { PromptStore } from '../prompts/store';
import { devServerPort, taskArchive } from '../workspace/paths';
import { prSettingsOf } from './pr-stage';
import { signalCommand } from './signal-command';

export interface RunPromptInput {
  project: ProjectRow;
  task: TaskRow;
  agentType: AgentType;
  technical: boolean;
  feedback: string | null;
  /** Planning only: the user's note on the previous plan ("Revise plan"). */
  note: string | null;
}

/** The `{{revisionNote}}` of a planning prompt: the user's note as a section, or nothing. */
export function revisionNoteSection(note: string | null): string {
  if (note === null) return '';
  return `## The user's note on the previous plan

The user read the plan in the task document and asks you to revise it. Their note, verbatim:

${note
  .split('\n')
  .map((line) => `> ${line}`)
  .join('\n')}

Revise the plan accordingly: keep its *Original Request* section unchanged and change what the note asks for.
`;
}

/**
 * The `{{updateStrategy}}` of the PR prompts: how this project brings a branch up to date with a
 * moved base (docs/behaviour/loop.md#pr-stage), with the commands for it.
 */
export function updateStrategySection(strategy: PrUpdateStrategy, baseBranch: string, branch: string): string {
  return strategy === 'merge'
    ? `This project brings a branch up to date by **merging**. Run \`git fetch origin ${baseBranch}\`, then
  \`git merge origin/${baseBranch}\`; once every conflict is resolved, commit the merge and push with
  \`git push origin ${branch}\` (never rebase or force-push).`
    : `This project brings a branch up to date by **rebasing**. Run \`git fetch origin ${baseBranch}\`, then
  \`git rebase origin/${baseBranch}\`; once every conflict is resolved, finish the rebase
  (\`git rebase --continue\`) and push with \`git push --force-with-lease origin ${branch}\`.`;
}

/**
 * A repository's default branch and GitHub remote change rarely; remembering
 * them for a short while keeps git processes off the hand-off between runs.
 */
class ShortMemo {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  constructor(private readonly ttlMs: number) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && performance.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { at: performance.now(), value });
    return value;
  }
}

const repoFacts = new ShortMemo(30_000);

export function promptNameFor(agentType: AgentType, technical: boolean, feedback: boolean): string {
  switch (agentType) {
    case 'planification':
      return technical ? 'planning' : 'planning-nontechnical';
    case 'pr':
      return feedback ? 'pr-feedback' : 'pr';
    default:
      return agentType;
  }
}

export async function buildRunPrompt(deps: Pick<Deps, 'config' | 'logger'>, input: RunPromptInput): Promise<string> {
  const { project, task } = input;
  const store = new PromptStore(deps.config.home);
  const name = promptNameFor(input.agentType, input.technical, input.feedback !== null);
  // Independent lookups (git processes, files) run side by side: this is on the hand-off path.
  const [defaultRef, github, template, planTemplatePath] = await Promise.all([
    repoFacts.get(`branch:${project.repo_path}`, () =>
      detectDefaultBranch(project.repo_path).catch((err: unknown) => {
        deps.logger.warn(
          { err, projectId: project.id, repoPath: project.repo_path },
          'could not detect the default branch; the prompt names main',
        );
        return 'main';
      }),
    ),
    repoFacts.get(`github:${project.repo_path}`, () => githubRepoOf(deps, project.repo_path)),
    store.resolve(name),
    store.templatePath('plan-template'),
  ]);
  const base = defaultRef.replace(/^origin\//, '');
  const branch = task.branch_name ?? '';
  const vars: Record<string, string> = {
    taskId: String(task.id),
    taskTitle: task.title,
    documentPath: taskArchive(deps.config.home, project.id, task.id).documentPath,
    worktreePath: task.worktree_path ?? project.repo_path,
    branch,
    baseBranch: base,
    repoSlug: github?.slug ?? '',
    signalCommand: signalCommand(),
    planTemplatePath,
    devServerPort: String(devServerPort(task.id)),
  };
  if (input.agentType === 'pr' || input.agentType === 'yolo') {
    vars.prStatus =
      github && branch
        ? await describePullRequest(github, branch)
        : 'There is no GitHub remote for this repository; no pull request can be opened.';
    vars.maxCiRounds = String(prSettingsOf(deps, project).effectiveMaxCiRounds);
    vars.updateStrategy = updateStrategySection(project.pr_update_strategy, base, branch);
  }
  if (input.feedback !== null) vars.feedback = input.feedback;
  if (input.agentType === 'planification') {
    vars.revisionNote = revisionNoteSection(input.note);
    // An override written before the note existed still gets it, after its own text.
    if (input.note !== null && !variablesUsed(template).includes('revisionNote'))
      return `${renderPrompt(template, vars)}\n\n${vars.revisionNote}`;
  }
  return renderPrompt(template, vars);
}
