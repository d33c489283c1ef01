// Request and response shapes of the collector's HTTP API, shared by the collector and the web app.

/** One row of `GET /api/runs` (`{ runs: RunListItem[] }`), newest first. */
export interface RunListItem {
  id: string;
  agent: string | null;
  mode: string | null;
  status: string | null;
  /** Wall clock of the first and last event, ms since the epoch. */
  start: number | null;
  end: number | null;
  events: number;
  anomalies: { error: number; warning: number; info: number };
}

/** One entry of `GET /api/scenarios`. */
export interface ScenarioListItem {
  name: string;
  title: string;
  /** Anomaly types the scenario provokes in naive mode. */
  expects: string[];
  /** One paragraph on the pitfall. */
  explanation: string;
  /** The public report it mirrors. */
  mirrors: string;
}

/** Body of `POST /api/scenarios/:name/run`, and its 202 answer. */
export interface ScenarioRunRequest {
  mode: 'naive' | 'causal';
  seed?: number;
}
export interface ScenarioRunResponse {
  run: string;
}

/** 201 answer of `POST /api/runs` (a JSONL upload). */
export interface UploadResponse {
  runs: string[];
  stored: number;
  duplicates: number;
}

/** Every 4xx/5xx answer. */
export interface ApiError {
  error: string;
  /** For invalid uploads: `line:N: field F: message` entries. */
  details?: string[];
}
