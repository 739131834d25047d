// The pull-request stage's routes (docs/behaviour/loop.md#pr-stage): what Bottega last read of a
// task's pull request — CI rounds, review threads, mergeability and conflicting files — for the
// task's members, from the database only (never GitHub); and each project's settings for the
// stage, read by its members and changed by its owners and administrators.
import {
  PutPrSettingsBody,
  type CiRoundState,
  type PrCiRoundDto,
  type PrReviewThreadDto,
  type PullRequestStageDto,
} from '@bottega/protocol';
import type { Deps } from '../../deps';
import { prSettingsOf, readRecordedStage, updatePrSettings } from '../../engine/pr-stage';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { assertCanManage } from '../projects/commands';

function conflictFilesOf(json: string | null): string[] {
  if (!json) return [];
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((f): f is string => typeof f === 'string') : [];
}

export function pullRequestRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/tasks/:taskId/pull-request',
      access: access.task,
      handler: async (c) => {
        const task = c.get('task');
        const { rounds, threads } = await readRecordedStage(deps, task.id);
        const pullRequest: PullRequestStageDto = {
          url: task.pr_url,
          mergeable: task.pr_mergeable,
          conflictFiles: task.pr_mergeable === 'CONFLICTING' ? conflictFilesOf(task.pr_conflict_files) : [],
          ciRounds: rounds.map((r): PrCiRoundDto => ({
            round: r.round,
            headSha: r.head_sha,
            state: r.state as CiRoundState,
            failingChecks: JSON.parse(r.failing_checks) as string[],
            logExcerpt: r.log_excerpt,
            detailsUrl: r.details_url,
            agentRunId: r.agent_run_id,
            recordedAt: r.created_at,
            updatedAt: r.updated_at,
          })),
          threads: threads.map((t): PrReviewThreadDto => ({
            id: t.thread_id,
            path: t.path,
            line: t.line,
            author: t.author,
            body: t.body,
            url: t.url,
            resolved: t.resolved === 1,
            replyCount: t.reply_count,
            lastReplyAuthor: t.last_reply_author,
            lastReplyBody: t.last_reply_body,
            updatedAt: t.updated_at,
          })),
          settings: prSettingsOf(deps, c.get('project')),
        };
        return c.json({ pullRequest });
      },
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId/pr-settings',
      access: access.project,
      handler: (c) => c.json({ prSettings: prSettingsOf(deps, c.get('project')) }),
    },
    {
      method: 'PUT',
      path: '/api/projects/:projectId/pr-settings',
      access: access.project,
      body: 'json',
      handler: async (c) => {
        const project = c.get('project');
        await assertCanManage(deps.db, c.get('user'), project, "change the project's pull-request settings");
        const body = await readJson(c, PutPrSettingsBody);
        return c.json({ prSettings: await updatePrSettings(deps, project.id, body) });
      },
    },
  ];
}
