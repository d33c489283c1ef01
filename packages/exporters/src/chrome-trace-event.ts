// The Trace Event Format records the Chrome trace export writes (JSON Object Format): metadata 'M',
// complete 'X', flow 's'/'f' and instant 'i' events.

export type ChromeTraceEvent =
  | {
      ph: 'M';
      name: 'process_name' | 'thread_name' | 'process_sort_index' | 'thread_sort_index';
      pid: number;
      tid: number;
      args: Record<string, unknown>;
    }
  | {
      ph: 'X';
      name: string;
      cat: string;
      pid: number;
      tid: number;
      ts: number;
      dur: number;
      args: Record<string, unknown>;
    }
  | {
      /** Flow (arrow) start and finish; `bp: 'e'` binds each end to the slice enclosing its ts. */
      ph: 's' | 'f';
      name: string;
      cat: string;
      id: number;
      bp: 'e';
      pid: number;
      tid: number;
      ts: number;
    }
  | {
      ph: 'i';
      name: string;
      cat: string;
      s: 't';
      pid: number;
      tid: number;
      ts: number;
      args: Record<string, unknown>;
    };

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}
