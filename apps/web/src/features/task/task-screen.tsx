// Placeholder: this screen is being built.
export function Component() {
  return <p>task-screen</p>;
}
