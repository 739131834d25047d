// The entry point the product itself uses for its offline demo: the fake
// Anthropic API with the role-playing brain, and nothing else of the testkit
// (no GitHub fake, no test helpers), so the server bundle stays small.
export { startFakeAnthropic, type FakeAnthropic } from './anthropic/server';
export { createRoleBrain } from './agents/role-brain';
export { taskRequest } from './agents/request';
