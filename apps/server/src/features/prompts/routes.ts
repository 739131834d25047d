// Prompt settings routes (docs/behaviour/agents.md#prompt-overrides): any user may read the prompts and the plan
// template; overrides are instance-wide, so saving and reverting are for admins.
import { SavePromptBody } from '@bottega/protocol';
import type { Context } from 'hono';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { findPrompt } from '../../prompts/registry';
import { createPromptStore, type PromptStore } from '../../prompts/store';

/** The `:name` path parameter, which must name a registered prompt (404 otherwise). */
function promptName(c: Context): string {
  const name = c.req.param('name') ?? '';
  if (!findPrompt(name)) throw new AppError('NOT_FOUND', 'prompt not found');
  return name;
}

export function promptRoutes(deps: Pick<Deps, 'config'>, store: PromptStore = createPromptStore(deps.config.home)): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/prompts',
      access: access.user,
      handler: async (c) => c.json({ prompts: await store.list() }),
    },
    {
      method: 'GET',
      path: '/api/prompts/:name',
      access: access.user,
      handler: async (c) => c.json({ prompt: await store.read(promptName(c)) }),
    },
    {
      method: 'PUT',
      path: '/api/prompts/:name',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const name = promptName(c);
        const body = await readJson(c, SavePromptBody);
        return c.json({ prompt: await store.save(name, body.content, body.expectedMtime) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/prompts/:name',
      access: access.admin,
      handler: async (c) => c.json({ prompt: await store.remove(promptName(c)) }),
    },
  ];
}
