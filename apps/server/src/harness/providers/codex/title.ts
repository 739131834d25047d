// Automatic conversation titles for Codex chats (docs/behaviour/chat.md#titles): one direct
// Responses API call with a small model, to the user's own endpoint with the
// user's own API key — the same connection their Codex turns use. A ChatGPT
// sign-in has no key to call with, so those chats get no automatic title.
import type { TitleGenerator, TitleRequest } from '../../contract';
import { TITLE_INSTRUCTIONS, titleFrom, titleQuestion } from '../../title-prompt';
import { readCodexCredentials } from './credentials';

/** The small model titles are asked from. */
export const CODEX_TITLE_MODEL = 'gpt-5.1-codex-mini';
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

interface OutputItem {
  type?: string;
  content?: { type?: string; text?: string }[];
}

/** The assistant text of a Responses stream: its completed message items. */
export function textOfResponseStream(sse: string): string {
  const texts: string[] = [];
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data:')) continue;
    let event: { type?: string; item?: OutputItem };
    try {
      event = JSON.parse(line.slice(5).trim()) as typeof event;
    } catch {
      // not a JSON event (a keep-alive or a cut line): skip it
      continue;
    }
    if (event.type !== 'response.output_item.done' || event.item?.type !== 'message') continue;
    for (const part of event.item.content ?? []) if (part.type === 'output_text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

export function codexTitleGenerator(home: string): TitleGenerator {
  return {
    async generateTitle(req: TitleRequest): Promise<string> {
      const credentials = await readCodexCredentials(home, req.userId);
      if (!credentials || credentials.method !== 'api-key') throw new Error('Codex titles need an API key connection');
      const base = (credentials.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
      const res = await fetch(`${base}/responses`, {
        method: 'POST',
        signal: req.signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credentials.apiKey}` },
        body: JSON.stringify({
          model: CODEX_TITLE_MODEL,
          instructions: TITLE_INSTRUCTIONS,
          input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: titleQuestion(req) }] }],
          stream: true,
          store: false,
          max_output_tokens: 40,
        }),
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`the title request failed with HTTP ${res.status}`);
      }
      return titleFrom(textOfResponseStream(await res.text()));
    },
  };
}
