// How the six agent roles are named on screen (one list for every screen).
import type { AgentType } from '@bottega/protocol';

export const ROLE_LABELS: Record<AgentType, string> = {
  planification: 'Planning',
  implementation: 'Implementation',
  review: 'Review',
  refinement: 'Refinement',
  pr: 'Pull request',
  yolo: 'YOLO',
};
