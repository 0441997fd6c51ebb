import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) of one process in ms, from /proc; 0 when it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) in parentheses: state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Sum over processes, remembering each one's last reading (a process that exits keeps what it used until then). */
export class CpuMeter {
  private readonly last = new Map<number, number>();
  constructor(private readonly pids: () => number[]) {}

  /** CPU ms used by the processes so far (monotonic per process). */
  read(): number {
    for (const pid of this.pids()) {
      const ms = cpuMs(pid);
      if (ms > 0) this.last.set(pid, Math.max(ms, this.last.get(pid) ?? 0));
    }
    return [...this.last.values()].reduce((a, b) => a + b, 0);
  }
}

/** Pids of processes whose command line matches. */
export function pidsMatching(test: (cmdline: string) => boolean): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (test(cmd)) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** The whole machine's CPU time, busy and total over all cores, in ms since boot (/proc/stat): every process, other users' too. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0);
  const total = line.reduce((a, b) => a + b, 0);
  return { busy: ((total - idle) * 1000) / CLK_TCK, total: (total * 1000) / CLK_TCK };
}
