// Runs every benchmark in sequence; each prints its measured value beside its
// target (MEETS/MISSES). `npm run bench` builds first.
const benches = ['startup.bench.mjs', 'task-list.bench.mjs', 'task-create.bench.mjs'];

for (const file of benches) {
  console.log(`\n# ${file}`);
  const mod = await import(new URL(file, import.meta.url).href);
  await mod.run();
}
