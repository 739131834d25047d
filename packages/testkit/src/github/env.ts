// The environment that points the real `gh` (and `git push` to `gitRemoteUrl`) at a
// fake GitHub: github.localhost over plain http through the fake as http_proxy.
import { GH_HOST } from './urls';

export { gitRemoteUrl } from './urls';

/**
 * `GH_HOST`, `GH_TOKEN`, lower-case `http_proxy` (git ignores the upper-case one),
 * no prompts, no update checks, and PATH (default: this process's). Pass HOME (a temp
 * dir) in `extra`; `extra` is applied last, so it can also override the token.
 */
export function ghEnv(fake: { url: string; defaultToken: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GH_HOST,
    GH_TOKEN: fake.defaultToken,
    http_proxy: fake.url,
    GH_PROMPT_DISABLED: '1',
    GH_NO_UPDATE_NOTIFIER: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}
