// Colours of the canvas views per theme (the DOM uses the matching CSS variables in app.css).
import type { Severity } from '@causelane/analysis/anomaly';

export interface Palette {
  bg: string;
  rowAlt: string;
  turnRow: string;
  selectedRow: string;
  gutter: string;
  text: string;
  muted: string;
  ok: string;
  failed: string;
  open: string;
  agent: string;
  turn: string;
  /** Every other turn on the packed layout's summary row. */
  turnAlt: string;
  rule: string;
  /** The selected anomaly's proof: arrows and rings around its events. */
  proof: string;
  commit: string;
  synthetic: string;
  timeout: string;
  orphan: string;
  playhead: string;
  severity: Record<Severity, string>;
  minimap: string;
  windowFill: string;
}

export const PALETTES: Record<'dark' | 'light', Palette> = {
  dark: {
    bg: '#16181d',
    rowAlt: '#1b1e24',
    turnRow: '#222631',
    selectedRow: '#2b3550',
    gutter: '#1d2027',
    text: '#e6e8ee',
    muted: '#9aa1ad',
    ok: '#3d7fd9',
    failed: '#c2543f',
    open: '#8a6fd1',
    agent: '#5f8a6a',
    turn: '#4a5163',
    turnAlt: '#5d6680',
    rule: '#e0b341',
    proof: '#ff5cc8',
    commit: '#47c27a',
    synthetic: '#9aa1ad',
    timeout: '#ff6b5a',
    orphan: '#c792ea',
    playhead: '#ffffff',
    severity: { error: '#ff4d4f', warning: '#ffae21', info: '#4fc3f7' },
    minimap: '#5b6b8a',
    windowFill: 'rgba(255,255,255,0.12)',
  },
  light: {
    bg: '#ffffff',
    rowAlt: '#f6f7f9',
    turnRow: '#eceef3',
    selectedRow: '#dbe6ff',
    gutter: '#f2f3f6',
    text: '#1c1f26',
    muted: '#5d6573',
    ok: '#2f6fcb',
    failed: '#c0392b',
    open: '#7a5bc9',
    agent: '#4d7c5a',
    turn: '#b5bccb',
    turnAlt: '#9aa3b8',
    rule: '#b7860b',
    proof: '#d1149b',
    commit: '#1e9e55',
    synthetic: '#8a919c',
    timeout: '#d63b2a',
    orphan: '#9c4fd6',
    playhead: '#111111',
    severity: { error: '#d9262b', warning: '#d98b00', info: '#0b84c6' },
    minimap: '#8ea0c4',
    windowFill: 'rgba(0,0,0,0.1)',
  },
};
