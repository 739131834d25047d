// How the six agent roles are named on screen (one list for every screen, shared with the server's titles).
export { AGENT_LABELS as ROLE_LABELS } from '@bottega/protocol';
