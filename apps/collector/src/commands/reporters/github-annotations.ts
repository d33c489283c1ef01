// `causelane analyze --format github`: GitHub Actions workflow commands, one annotation per
// anomaly, pointing at the line of the first event that proves it where the line is known; a notice
// per run for what its spans could not show, and a warning per note about the whole file.
import { type Anomaly, EXPLANATIONS } from '@causelane/analysis';
import type { ImportNotes } from './import-notes.ts';

const LEVEL = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** Workflow-command escaping: data escapes %, CR, LF; properties also : and ,. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface AnnotationOptions {
  /** Path of the trace as the repository sees it; omitted for standard input. */
  file?: string;
  /** Line of the event with this seq in this run, when the input has lines. */
  lineOf?: (run: string, seq: number) => number | undefined;
}

export function toGithubAnnotations(anomalies: readonly Anomaly[], opts: AnnotationOptions = {}): string {
  let out = '';
  for (const a of anomalies) {
    const props: string[] = [];
    if (opts.file) props.push(`file=${escapeProperty(opts.file)}`);
    const first = a.seqs[0];
    const line = first === undefined ? undefined : opts.lineOf?.(a.run, first);
    if (line !== undefined) props.push(`line=${line}`);
    props.push(`title=${escapeProperty(`${EXPLANATIONS[a.type].title} (${a.type})`)}`);
    const where = `run ${a.run}, turn ${a.turn}${a.call ? `, call ${a.call}` : ''}, seq ${a.seqs.join(',')}`;
    out += `::${LEVEL[a.severity]} ${props.join(',')}::${escapeData(`${a.message} [${where}]`)}\n`;
  }
  return out;
}

/** Evidence notes as `::notice` (one per run), file warnings as `::warning` on the file. */
export function toGithubNotes(notes: ImportNotes, file?: string): string {
  let out = '';
  const fileProp = file ? `file=${escapeProperty(file)},` : '';
  for (const [run, list] of notes.evidence) {
    const title = escapeProperty(`Causelane: what run ${run}'s trace cannot show`);
    out += `::notice ${fileProp}title=${title}::${escapeData(list.map((n) => `evidence: ${n}`).join('\n'))}\n`;
  }
  for (const w of notes.warnings)
    out += `::warning ${fileProp}title=${escapeProperty('Causelane import')}::${escapeData(w)}\n`;
  return out;
}
