// The live model catalog of a user's OpenCode server (never a hard-coded
// list): every model of the providers their configuration enables, named
// `provider/model` as turns use them.
import type { OpencodeModelDto } from '@bottega/protocol';
import { createOpencodeClient } from '@opencode-ai/sdk/v2/client';
import type { OpencodeServerProcess } from './server-process';

/** A model of the live catalog, as GET /api/providers/opencode/models answers it (packages/protocol). */
export type OpencodeModel = OpencodeModelDto;

export async function liveModels(server: OpencodeServerProcess, directory: string): Promise<OpencodeModel[]> {
  const client = createOpencodeClient({ baseUrl: server.url, headers: { authorization: server.authorization } });
  const res = await client.config.providers({ directory });
  if (!res.data) throw new Error(`OpenCode did not list its providers: ${JSON.stringify(res.error ?? null)}`);
  const out: OpencodeModel[] = [];
  for (const p of res.data.providers) {
    for (const m of Object.values(p.models)) {
      out.push({ id: `${p.id}/${m.id}`, name: m.name || m.id, provider: p.name || p.id, contextTokens: m.limit?.context ?? null });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
