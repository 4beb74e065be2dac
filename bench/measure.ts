/** How the benchmarks time work (SPEC §12: throughputs are `perSec`). */
import { performance } from 'node:perf_hooks';

export interface Rate {
  perSec: number;
  /** The wall time of the work. */
  ms: number;
  /** Records per CPU second of this process: where the database or server runs in it too, this figure
   *  is steadier than wall time on a shared machine (it leaves other processes' CPU out). */
  cpuPerSec: number;
}

/** The rate of `work` handling `records` records, by wall time and by this process's CPU time. */
export async function measure(records: number, work: () => Promise<void>): Promise<Rate> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await work();
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  return { perSec: records / (ms / 1000), ms, cpuPerSec: records / ((cpu.user + cpu.system) / 1e6) };
}
