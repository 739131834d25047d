// Cold start (process start → first successful GET /api/auth/status, target
// < 1 s, median of 5) and idle server RSS (target < 120 MB) after some use.
import { cleanup, rssMb, startServer, tempHome, median, report, cli } from './lib';

export async function run(): Promise<void> {
  const home = await tempHome('startup');
  try {
    await cli(home, ['migrate']);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const s = await startServer(home);
      times.push(s.readyMs);
      await s.stop();
    }
    report('cold start to first /api/auth/status (median of 5)', median(times), 'ms', 1000);

    const s = await startServer(home);
    for (let i = 0; i < 200; i++) await (await fetch(`${s.url}/api/auth/status`)).text();
    await new Promise((r) => setTimeout(r, 2000));
    report('idle server RSS', await rssMb(s.child.pid ?? 0), 'MB', 120);
    await s.stop();
  } finally {
    await cleanup(home);
  }
}
