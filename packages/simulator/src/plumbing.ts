// The parts of the simulated Anthropic server that the test kit's other vendor
// fakes (OpenAI Responses, Chat Completions, GitHub) are built from: the HTTP
// serving and body reading, the request log, ids and token estimates. Kept
// apart from the package's entry point, which is the simulator itself.
export { readBody, serveFake } from './fake-http';
export type { FakeHttpServer } from './fake-http';
export { RequestLog } from './anthropic/request-log';
export { estimateTokens, newId } from './anthropic/respond';
