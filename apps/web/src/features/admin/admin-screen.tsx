// Placeholder: this screen is being built.
export function Component() {
  return <p>admin-screen</p>;
}
