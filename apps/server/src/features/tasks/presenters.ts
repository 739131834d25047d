// Task JSON: the presenter lives with the engine, which publishes every task
// transition; the task routes answer with the same shape.
export { presentTask } from '../../engine/presenters';
