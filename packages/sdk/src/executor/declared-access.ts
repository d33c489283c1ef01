// The state keys a call declares (a tool's `access`, fixed or computed from the call's args),
// checked: a declaration the scheduler cannot use is an error naming the tool, not a crash.
import type { Tool } from '../tool.ts';
import type { CallAccess } from './conflict-schedule.ts';

/** Throws an Error whose message names the tool and what is wrong with its declaration. */
export function declaredAccess(tool: Tool, args: unknown): CallAccess {
  let a: unknown;
  if (typeof tool.access === 'function') {
    try {
      a = tool.access(args ?? {});
    } catch (err) {
      throw new Error(`access() of tool ${tool.name} threw: ${describe(err)}`);
    }
  } else a = tool.access;
  if (a === undefined || a === null) return { reads: [], writes: [] };
  if (typeof a !== 'object')
    throw new Error(`access of tool ${tool.name} must be { reads?, writes? }, got ${typeof a}`);
  const { reads, writes } = a as { reads?: unknown; writes?: unknown };
  return { reads: keys(tool.name, 'reads', reads), writes: keys(tool.name, 'writes', writes) };
}

function keys(tool: string, field: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((k) => typeof k === 'string'))
    throw new Error(`access of tool ${tool}: ${field} must be an array of key strings`);
  return v;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'a value that is not an Error';
  }
}
