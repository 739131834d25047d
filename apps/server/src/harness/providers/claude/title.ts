// Automatic conversation titles for Claude (docs/behaviour/chat.md#titles): one direct Messages
// API call with a small model, to the user's own base URL (gateway, proxy or
// the demo's simulator) with the user's own key or OAuth token — the same
// credentials the agent environment carries. No CLI process is involved.
import type { AgentEnvironment, TitleGenerator, TitleRequest } from '../../contract';
import { TITLE_INSTRUCTIONS, titleFrom, titleQuestion } from '../../title-prompt';

export { cleanTitle } from '../../title-prompt';

/** The small model titles are asked from. */
export const CLAUDE_TITLE_MODEL = 'claude-haiku-4-5';
const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The request headers for whichever credential the environment holds. */
function authHeaders(env: AgentEnvironment): Record<string, string> {
  const key = env.ANTHROPIC_API_KEY;
  if (key) return { 'x-api-key': key };
  const token = env.CLAUDE_CODE_OAUTH_TOKEN;
  if (token) return { authorization: `Bearer ${token}`, 'anthropic-beta': 'oauth-2025-04-20' };
  throw new Error('no Claude credential to ask for a title with');
}

interface MessagesReply {
  content?: { type?: string; text?: string }[];
}

export function claudeTitleGenerator(environmentFor: (userId: number) => Promise<AgentEnvironment>): TitleGenerator {
  return {
    async generateTitle(req: TitleRequest): Promise<string> {
      const env = await environmentFor(req.userId);
      const base = (env.ANTHROPIC_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
      const res = await fetch(`${base}/v1/messages`, {
        method: 'POST',
        signal: req.signal,
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...authHeaders(env) },
        body: JSON.stringify({
          model: CLAUDE_TITLE_MODEL,
          max_tokens: 40,
          system: TITLE_INSTRUCTIONS,
          messages: [{ role: 'user', content: titleQuestion(req) }],
        }),
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`the title request failed with HTTP ${res.status}`);
      }
      const reply = (await res.json()) as MessagesReply;
      const text = (reply.content ?? []).flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])).join('\n');
      return titleFrom(text);
    },
  };
}
