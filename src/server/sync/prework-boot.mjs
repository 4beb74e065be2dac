// The entry of prework.ts's worker thread. A worker does not inherit the main thread's
// `--import tsx` (nor vitest's transform): it registers tsx itself, then loads the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./prework-worker.ts');
