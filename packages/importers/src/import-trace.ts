// The one dispatcher for "any trace text": detects JSONL v1, OTLP JSON (one request or JSON lines of
// requests), OpenAI Chat Completions messages, OpenAI Responses input items and Anthropic Messages
// arrays (each bare or inside its request body), and maps them to format v1. Readers that stream
// big JSONL files ask planTraceRead first; everything else goes through importTrace.
import { formatLineError, readTraceText, type TraceEvent } from '@causelane/trace-schema';
import { importAiSdkMessages, isAiSdkMessage } from './ai-sdk-messages.ts';
import { importAnthropicMessages } from './anthropic-messages.ts';
import { isObject } from './history-input.ts';
import type { HistoryFormat } from './history-to-events.ts';
import { describeValue, ImportError } from './import-error.ts';
import { importAgentsHistory, isAgentsHistoryItem } from './openai-agents-history.ts';
import { importOpenAiChat } from './openai-chat.ts';
import { importOpenAiResponses, RESPONSES_ITEM_TYPES } from './openai-responses.ts';
import { importOtlpJsonDetailed, isOtlpTraceRequest } from './otlp-json.ts';
import { readOtlpJsonLines } from './otlp-json-lines.ts';

export type TraceFormat = 'jsonl' | 'otlp' | HistoryFormat;

export interface ImportOptions {
  /** Run id for message histories (they carry none); defaults to "history". */
  run?: string;
}

export interface ImportResult {
  format: TraceFormat;
  /** Each run's events sorted by seq, as TraceReader.finish() returns them. */
  runs: Map<string, TraceEvent[]>;
  /** OTLP only: per run, what the spans could not show ("no tool spans: …"), for the CLI and UI. */
  evidence?: Map<string, string[]>;
  /** OTLP only: about the file as a whole (e.g. many one-span runs). */
  warnings?: string[];
}

function otlpResult(requests: readonly unknown[]): ImportResult {
  const res = importOtlpJsonDetailed(requests);
  return { format: 'otlp', runs: res.runs, evidence: res.evidence, warnings: res.warnings };
}

const HISTORY_IMPORTERS: Record<
  HistoryFormat,
  (items: readonly unknown[], run: string, root: string) => TraceEvent[]
> = {
  'openai-chat': importOpenAiChat,
  'openai-responses': importOpenAiResponses,
  'anthropic-messages': importAnthropicMessages,
  'ai-sdk-messages': importAiSdkMessages,
  'openai-agents-history': importAgentsHistory,
};

function historyFormatOf(items: readonly unknown[]): HistoryFormat {
  // First, over all items: the Agents SDK's items reuse the Responses type names (with camelCase
  // callId), and AI SDK messages look like chat messages until a tool part shows.
  if (items.some(isAgentsHistoryItem)) return 'openai-agents-history';
  if (items.some(isAiSdkMessage)) return 'ai-sdk-messages';
  let anthropic = false;
  for (const item of items) {
    if (!isObject(item)) continue;
    if (typeof item.type === 'string' && RESPONSES_ITEM_TYPES.has(item.type)) return 'openai-responses';
    if (item.role === 'tool' || Array.isArray(item.tool_calls) || typeof item.tool_call_id === 'string')
      return 'openai-chat';
    if (
      Array.isArray(item.content) &&
      item.content.some((b) => isObject(b) && (b.type === 'tool_use' || b.type === 'tool_result'))
    ) {
      anthropic = true;
    }
  }
  // Text-only histories map the same way in every format.
  return anthropic ? 'anthropic-messages' : 'openai-chat';
}

/** Which document format a parsed JSON value is, with the array of items for histories. */
export function detectDocument(
  value: unknown,
): { format: Exclude<TraceFormat, 'jsonl'>; items: readonly unknown[]; root: string } | null {
  if (isOtlpTraceRequest(value)) return { format: 'otlp', items: [value], root: '$' };
  if (Array.isArray(value)) return { format: historyFormatOf(value), items: value, root: '$' };
  if (!isObject(value)) return null;
  if (Array.isArray(value.messages))
    return { format: historyFormatOf(value.messages), items: value.messages, root: '$.messages' };
  if (Array.isArray(value.input)) return { format: 'openai-responses', items: value.input, root: '$.input' };
  return null;
}

/** Imports an already-parsed JSON document (not JSONL). */
export function importDocument(value: unknown, opts: ImportOptions = {}): ImportResult {
  const doc = detectDocument(value);
  if (!doc) {
    throw new ImportError(
      '$',
      `unrecognised trace: expected OTLP JSON (resourceSpans), a messages array, {messages: [...]} or {input: [...]}, got ${describeValue(value)}`,
    );
  }
  const run = opts.run ?? 'history';
  if (doc.format === 'otlp') return otlpResult(doc.items);
  const events = HISTORY_IMPORTERS[doc.format](doc.items, run, doc.root);
  return { format: doc.format, runs: new Map([[run, events]]) };
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The JSON formats (documents, OTLP JSON lines); null when the text can only be JSONL v1. */
function importJson(body: string, opts: ImportOptions): ImportResult | null {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (err) {
      throw new ImportError('$', `not valid JSON (${(err as Error).message})`);
    }
    return importDocument(value, opts);
  }
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      // Not one document: JSONL v1, or JSON lines of OTLP requests (the file exporter's output).
      const lines = readOtlpJsonLines(body);
      if (lines) return otlpResult(lines);
    }
    if (value !== undefined && detectDocument(value)) return importDocument(value, opts);
  }
  return null;
}

/**
 * Detects the format of a whole trace text and imports it, throwing an ImportError on bad input:
 * JSONL v1 errors are reported as `line N: field F: message`; other formats name the JSON path.
 */
export function importTraceText(text: string, opts: ImportOptions = {}): ImportResult {
  const body = withoutBom(text);
  const json = importJson(body, opts);
  if (json) return json;
  const res = readTraceText(body);
  if (res.errors.length > 0) {
    const first = res.errors[0]!;
    const more = res.errors.length > 1 ? ` (and ${res.errors.length - 1} more)` : '';
    throw new ImportError(
      `line ${first.line}`,
      `${formatLineError('', first).replace(/^:\d+: /, '')}${more}`,
    );
  }
  return { format: 'jsonl', runs: res.runs };
}

export interface TraceImportOptions extends ImportOptions {
  /** Display name in messages: the path, or `<stdin>`. */
  source: string;
}

export type TraceImport =
  | ({ ok: true } & ImportResult)
  | {
      ok: false;
      /** `source:line: field F: message` for each bad JSONL line, or `source: $.path: reason`. */
      errors: string[];
    };

/** Like importTraceText, but bad input comes back as every error, each naming the source. */
export function importTrace(text: string, opts: TraceImportOptions): TraceImport {
  const body = withoutBom(text);
  try {
    const json = importJson(body, opts);
    if (json) return { ok: true, ...json };
  } catch (err) {
    if (err instanceof ImportError) return { ok: false, errors: [`${opts.source}: ${err.message}`] };
    throw err;
  }
  const res = readTraceText(body);
  if (res.errors.length > 0)
    return { ok: false, errors: res.errors.map((e) => formatLineError(opts.source, e)) };
  return { ok: true, format: 'jsonl', runs: res.runs };
}

/**
 * How to read a trace, from its start: `jsonl` streams the rest line by line into a format-v1
 * reader (big files never become one string); `whole` reads all of it for importTrace (a JSON
 * document, JSON lines of OTLP requests, or a first line that is not JSON on its own, such as a
 * pretty-printed document). Undefined while `head` is too short to tell: read more.
 */
export function planTraceRead(head: string, ended = false): 'jsonl' | 'whole' | undefined {
  const trimmed = withoutBom(head).trimStart();
  if (trimmed.startsWith('[')) return 'whole';
  const nl = trimmed.indexOf('\n');
  if (nl === -1 && !ended) return trimmed === '' || trimmed.startsWith('{') ? undefined : 'jsonl';
  if (!trimmed.startsWith('{')) return 'jsonl';
  try {
    return detectDocument(JSON.parse(nl === -1 ? trimmed : trimmed.slice(0, nl))) ? 'whole' : 'jsonl';
  } catch {
    return 'whole';
  }
}
