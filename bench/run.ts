/**
 * `npm run bench -- <name>…`: runs the named benchmarks (all when none is named) and prints one JSON
 * object per line (SPEC §12).
 */
const BENCHES: Record<string, () => Promise<void>> = {
  sync: async () => (await import('./sync')).run(),
  client: async () => (await import('./client')).run(),
  devices: async () => (await import('./devices')).run(),
};

const names = process.argv.slice(2).filter((a) => a !== '--');
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length ? names : Object.keys(BENCHES)) await BENCHES[name]!();
export {};
