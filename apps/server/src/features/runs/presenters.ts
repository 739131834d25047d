// Agent-run and conversation JSON for the feature routes: the run presenters
// live with the engine (which publishes runs), the conversation's with the
// harness (which creates conversations).
export { presentRun, presentRuns, presentRunWithUsage } from '../../engine/presenters';
export { presentConversation } from '../../harness/conversation-dto';
