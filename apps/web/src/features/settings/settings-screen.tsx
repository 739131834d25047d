// Placeholder: this screen is being built.
export function Component() {
  return <p>settings-screen</p>;
}
