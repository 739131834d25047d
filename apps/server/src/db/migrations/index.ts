// Ordered list of migrations. Append only; never edit a shipped migration.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';
import { up as initial } from './0001_initial';
import { up as taskWorkspaceAndPaging } from './0002_task_workspace_and_paging';
import { up as conversationPendingQuestion } from './0003_conversation_pending_question';
import { up as runSignals } from './0004_run_signals';
import { up as githubWebhooks } from './0005_github_webhooks';
import { up as usage } from './0006_usage';
import { up as webhookSubjects } from './0007_webhook_subjects';
import { up as projectRolesAndClones } from './0008_project_roles_and_clones';
import { up as projectAllowedHosts } from './0009_project_allowed_hosts';
import { up as taskPrOutcome } from './0010_task_pr_outcome';
import { up as perTurnCosts } from './0011_per_turn_costs';
import { up as pullRequestStage } from './0012_pull_request_stage';
import { up as columnWipLimits } from './0013_column_wip_limits';
import { up as runQueue } from './0014_run_queue';
import { up as clusterNodes } from './0015_cluster_nodes';
import { up as clusterEvents } from './0016_cluster_events';
import { up as clusterJobWorkers } from './0017_cluster_job_workers';
import { up as runTakenUp } from './0018_run_taken_up';

export interface Migration {
  name: string;
  up: (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;
}

export const migrations: readonly Migration[] = [
  { name: '0001_initial', up: initial },
  { name: '0002_task_workspace_and_paging', up: taskWorkspaceAndPaging },
  { name: '0003_conversation_pending_question', up: conversationPendingQuestion },
  { name: '0004_run_signals', up: runSignals },
  { name: '0005_github_webhooks', up: githubWebhooks },
  { name: '0006_usage', up: usage },
  { name: '0007_webhook_subjects', up: webhookSubjects },
  { name: '0008_project_roles_and_clones', up: projectRolesAndClones },
  { name: '0009_project_allowed_hosts', up: projectAllowedHosts },
  { name: '0010_task_pr_outcome', up: taskPrOutcome },
  { name: '0011_per_turn_costs', up: perTurnCosts },
  { name: '0012_pull_request_stage', up: pullRequestStage },
  { name: '0013_column_wip_limits', up: columnWipLimits },
  { name: '0014_run_queue', up: runQueue },
  { name: '0015_cluster_nodes', up: clusterNodes },
  { name: '0016_cluster_events', up: clusterEvents },
  { name: '0017_cluster_job_workers', up: clusterJobWorkers },
  { name: '0018_run_taken_up', up: runTakenUp },
];
