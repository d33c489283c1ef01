// The one dispatcher for "any trace text": detects JSONL v1, OTLP JSON (one request or JSON lines of
// requests), OpenAI Chat Completions messages, OpenAI Responses input items and Anthropic Messages
// arrays (each bare or inside its request body), and maps them to format v1. Readers that stream
// big JSONL files ask planTraceRead first; everything else goes through importTrace.
import { formatLineError, readTraceText, type TraceEvent } from '@causelane/trace-schema';
import { importAnthropicMessages } from './anthropic-messages.ts';
import { isObject } from './history-input.ts';
import type { HistoryFormat } from './history-to-events.ts';
import { describeValue, ImportError } from './import-error.ts';
import { importOpenAiChat } from './openai-chat.ts';
import { importOpenAiResponses, RESPONSES_ITEM_TYPES } from './openai-responses.ts';
import { importOtlpJson, isOtlpTraceRequest } from './otlp-json.ts';

export type TraceFormat = 'jsonl' | 'otlp' | HistoryFormat;

export interface ImportOptions {
  /** Run id for message histories (they carry none); defaults to "history". */
  run?: string;
}

export interface ImportResult {
  format: TraceFormat;
  /** Each run's events sorted by seq, as TraceReader.finish() returns them. */
  runs: Map<string, TraceEvent[]>;
}

function historyFormatOf(items: readonly unknown[]): HistoryFormat {
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
  if (doc.format === 'otlp') return { format: 'otlp', runs: importOtlpJson(doc.items) };
  const events =
    doc.format === 'openai-chat'
      ? importOpenAiChat(doc.items, run, doc.root)
      : doc.format === 'openai-responses'
        ? importOpenAiResponses(doc.items, run, doc.root)
        : importAnthropicMessages(doc.items, run, doc.root);
  return { format: doc.format, runs: new Map([[run, events]]) };
}

/** JSON lines whose every line is an OTLP request (the collector's file exporter), else null. */
function otlpLines(text: string): unknown[] | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const out: unknown[] = [];
  for (const line of lines) {
    try {
      const v = JSON.parse(line);
      if (!isOtlpTraceRequest(v)) return null;
      out.push(v);
    } catch {
      return null;
    }
  }
  return out.length > 0 ? out : null;
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
      // Not one document: JSONL v1, or JSON lines of OTLP requests.
      const lines = otlpLines(body);
      if (lines) return { format: 'otlp', runs: importOtlpJson(lines) };
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
