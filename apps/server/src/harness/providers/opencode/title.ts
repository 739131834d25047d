// Automatic conversation titles for OpenCode chats (docs/behaviour/chat.md#titles): one direct
// Chat Completions call to the user's custom OpenAI-compatible provider with
// its key and the first model the user listed. An OpenCode Zen connection has
// no model to name without the live catalog, so those chats get no automatic
// title (OpenCode's own session title is not asked for).
import type { TitleGenerator, TitleRequest } from '../../contract';
import { TITLE_INSTRUCTIONS, titleFrom, titleQuestion } from '../../title-prompt';
import { readOpencodeCredentials } from './credentials';

interface CompletionReply {
  choices?: { message?: { content?: string | null } }[];
}

export function opencodeTitleGenerator(home: string): TitleGenerator {
  return {
    async generateTitle(req: TitleRequest): Promise<string> {
      const credentials = await readOpencodeCredentials(home, req.userId);
      if (!credentials || !('custom' in credentials)) throw new Error('OpenCode titles need a custom provider connection');
      const { baseUrl, apiKey, models } = credentials.custom;
      const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        signal: req.signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({
          model: models[0],
          stream: false,
          max_tokens: 40,
          messages: [
            { role: 'system', content: TITLE_INSTRUCTIONS },
            { role: 'user', content: titleQuestion(req) },
          ],
        }),
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`the title request failed with HTTP ${res.status}`);
      }
      const reply = (await res.json()) as CompletionReply;
      return titleFrom(reply.choices?.[0]?.message?.content ?? '');
    },
  };
}
