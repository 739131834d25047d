// Placeholder: this screen is being built.
export function Component() {
  return <p>dashboard-screen</p>;
}
