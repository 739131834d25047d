// Points this process's gh and git at a local GitHub the way an operator
// points a server at GitHub (GH_HOST, GH_TOKEN, a proxy), and undoes it.
import { ghEnv, type FakeGitHub } from '@bottega/testkit';

export function useGitHub(gh: FakeGitHub): () => void {
  const env = ghEnv(gh) as Record<string, string>;
  const saved: Record<string, string | undefined> = {};
  for (const key of ['GH_HOST', 'GH_TOKEN', 'http_proxy']) {
    saved[key] = process.env[key];
    process.env[key] = env[key];
  }
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
