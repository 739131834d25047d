// Automatic conversation titles for Claude (SPEC §13): one direct Messages
// API call with a small model, to the user's own base URL (gateway, proxy or
// the demo's simulator) with the user's own key or OAuth token — the same
// credentials the agent environment carries. No CLI process is involved.
import type { AgentEnvironment, TitleGenerator, TitleRequest } from '../../contract';

/** The small model titles are asked from. */
export const CLAUDE_TITLE_MODEL = 'claude-haiku-4-5';
const DEFAULT_BASE_URL = 'https://api.anthropic.com';
const MAX_EXCERPT = 2000;

const SYSTEM = [
  'You name chat conversations between a developer and a coding agent.',
  'Reply with a title of at most six words that says what the conversation is about.',
  'Plain text only: no quotes, no punctuation at the end, no preamble.',
].join(' ');

/** One line, no wrapping quotes or trailing dot, at most 80 characters; empty when nothing is left. */
export function cleanTitle(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const unquoted = line.replace(/^(?:title:\s*)/i, '').replace(/^["'`*#\s]+|["'`*\s]+$/g, '').replace(/[.\s]+$/, '');
  return unquoted.length > 80 ? `${unquoted.slice(0, 79).trimEnd()}…` : unquoted;
}

function excerpt(text: string): string {
  return text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT)}…` : text;
}

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
          system: SYSTEM,
          messages: [{ role: 'user', content: `The developer wrote:\n${excerpt(req.userText)}\n\nThe agent answered:\n${excerpt(req.assistantText)}\n\nTitle:` }],
        }),
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`the title request failed with HTTP ${res.status}`);
      }
      const reply = (await res.json()) as MessagesReply;
      const text = (reply.content ?? []).flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])).join('\n');
      const title = cleanTitle(text);
      if (!title) throw new Error('the model gave no title');
      return title;
    },
  };
}
