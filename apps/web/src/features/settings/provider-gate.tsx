// Placeholder: the first-login provider modal is being built.
export function ProviderGate() {
  return null;
}
