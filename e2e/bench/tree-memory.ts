// Peak memory of a process tree (Linux /proc), sampled while a benchmark runs: the browser's own
// processes are children of the bench, so their sum is what loading a trace costs the machine.
import { readdirSync, readFileSync } from 'node:fs';

/** Children of each pid, from /proc/<pid>/stat (field 4 is the parent). */
function childrenByParent(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = out.get(ppid);
    if (list) list.push(Number(name));
    else out.set(ppid, [Number(name)]);
  }
  return out;
}

/** Proportional set size (shared pages split among their users), in bytes; 0 when unreadable. */
function pssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sum of PSS over the descendants of `root` (not `root` itself). */
export function descendantsPss(root: number): number {
  const kids = childrenByParent();
  let total = 0;
  const stack = [...(kids.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += pssBytes(pid);
    stack.push(...(kids.get(pid) ?? []));
  }
  return total;
}

/**
 * Samples the descendants' PSS every `everyMs` until stopped; `peak()` gives the peak so far and
 * `stop()` the peak in bytes.
 */
export function samplePeakMemory(root = process.pid, everyMs = 100): { peak(): number; stop(): number } {
  let peak = descendantsPss(root);
  const timer = setInterval(() => {
    peak = Math.max(peak, descendantsPss(root));
  }, everyMs);
  return {
    peak: () => Math.max(peak, descendantsPss(root)),
    stop() {
      clearInterval(timer);
      return Math.max(peak, descendantsPss(root));
    },
  };
}
