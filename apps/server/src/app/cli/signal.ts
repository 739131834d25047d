// `bottega signal <name> [--reason "…"]`: what an agent runs to tell the
// server it finished a stage (docs/behaviour/agents.md#the-signal-command). It talks HTTP to the server named in
// its environment with its run-scoped token — never to the database — and
// says plainly whether the signal was taken.
import { parseArgs } from 'node:util';
import { RUN_TOKEN_VAR, SIGNAL_URL_VAR } from '../../engine/signal-command';

const SIGNALS = ['plan-complete', 'workflow-complete', 'workflow-blocked', 'pr-complete'] as const;

export const SIGNAL_USAGE = `Usage: bottega signal <${SIGNALS.join('|')}> [--reason "why"]
  (workflow-blocked needs --reason). Run by agents; needs ${SIGNAL_URL_VAR} and ${RUN_TOKEN_VAR}.`;

export async function signalCommandMain(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { reason: { type: 'string' } } });
  } catch (err) {
    console.error(`bottega signal: ${(err as Error).message}\n${SIGNAL_USAGE}`);
    return 2;
  }
  const [name, ...extra] = parsed.positionals;
  if (!name || extra.length > 0 || !(SIGNALS as readonly string[]).includes(name)) {
    console.error(SIGNAL_USAGE);
    return 2;
  }
  if (name === 'workflow-blocked' && !parsed.values.reason?.trim()) {
    console.error('bottega signal: workflow-blocked needs --reason "…" saying what a human must do');
    return 2;
  }
  const url = process.env[SIGNAL_URL_VAR];
  const token = process.env[RUN_TOKEN_VAR];
  if (!url || !token) {
    console.error(`bottega signal: ${SIGNAL_URL_VAR} and ${RUN_TOKEN_VAR} are not set; only an agent run started by Bottega can signal`);
    return 1;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ signal: name, ...(parsed.values.reason ? { reason: parsed.values.reason } : {}) }),
    });
  } catch (err) {
    console.error(`bottega signal: cannot reach the Bottega server at ${url}: ${(err as Error).message}`);
    return 1;
  }
  // A reply that is not JSON carries no message; the status below still tells.
  const body = (await res.json().catch(() => ({}))) as { message?: string; error?: { message?: string } };
  if (!res.ok) {
    console.error(`bottega signal: ${name} refused (${res.status}): ${body.error?.message ?? 'unknown error'}`);
    return 1;
  }
  console.log(`bottega signal: ${body.message ?? `${name} recorded`}`);
  return 0;
}
