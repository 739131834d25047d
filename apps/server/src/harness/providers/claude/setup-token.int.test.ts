// The in-app sign-in with the REAL `claude setup-token` binary: it shows its
// sign-in URL under our pseudo-terminal (generated locally, no network), and
// cancelling stops it. Exchanging a code needs Anthropic's servers, so that
// part is covered with a stand-in program in setup-token.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../logger';
import { SetupTokenFlows } from './setup-token';

let home = '';
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-real-setup-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('claude setup-token (real binary)', () => {
  it('shows an https sign-in URL and stops on cancel', async () => {
    const flows = new SetupTokenFlows({ home, logger: silentLogger(), stepTimeoutMs: 20_000 });
    const started = await flows.start(1);
    expect(started.url).toMatch(/^https:\/\/claude\.ai\/oauth\/authorize\?\S+$/);
    expect(flows.status(1)).toEqual(started);
    await flows.cancel(1);
    expect(flows.status(1)).toEqual({ status: 'idle' });
  });
});
