// The agent's state as the model sees it: its tool-call requests and the results committed for them.
import type { ToolCallSpec } from '@causelane/trace-schema';

export interface AssistantEntry {
  role: 'assistant';
  turn: number;
  calls: ToolCallSpec[];
  text?: string;
}

export interface ToolResultEntry {
  role: 'tool';
  turn: number;
  /** The call id this result answers. */
  call: string;
  name: string;
  ok: boolean;
  result?: unknown;
  error?: string;
  /** A stand-in for a call the executor gave up on (timeout, refused). */
  synthetic?: boolean;
}

export type ContextEntry = AssistantEntry | ToolResultEntry;
