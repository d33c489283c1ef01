// Page object for issue 14's views, beside DebuggerPage: the proof drawn on the timeline (read from
// the canvas's data attributes and its pixels), the evidence in the inspector, the happens-before
// SVG, the overview minimap and the export progress.
import { expect, type Locator, type Page } from '@playwright/test';
import type { DebuggerPage } from './debugger-page.ts';

export interface ProofArrow {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  midX: number;
  midY: number;
}

export class EvidenceView {
  readonly page: Page;
  readonly evidence: Locator;
  readonly hbSvg: Locator;
  readonly minimap: Locator;

  constructor(readonly app: DebuggerPage) {
    this.page = app.page;
    this.evidence = this.page.getByTestId('anomaly-evidence');
    this.hbSvg = this.page.getByTestId('hb-svg');
    this.minimap = this.page.getByTestId('minimap');
  }

  /** Clicks the first listed anomaly of `type`. */
  async selectAnomalyOfType(type: string): Promise<void> {
    await this.page.locator(`[data-anomaly-id][data-type="${type}"]`).first().click();
  }

  /** The proof arrows the last frame drew, in canvas CSS pixels. */
  async proofArrows(): Promise<ProofArrow[]> {
    const raw = (await this.app.canvas.getAttribute('data-proof-arrows')) ?? '';
    return raw
      .split(';')
      .filter(Boolean)
      .map((a) => {
        const [x1, y1, x2, y2, midX, midY] = a.split(',').map(Number) as number[];
        return { x1: x1!, y1: y1!, x2: x2!, y2: y2!, midX: midX!, midY: midY! };
      });
  }

  async barLabels(): Promise<string[]> {
    return JSON.parse((await this.app.canvas.getAttribute('data-bar-labels')) ?? '[]') as string[];
  }

  /** RGB of the canvas pixel at CSS (x, y), read back from the canvas itself. */
  async pixel(canvas: Locator, x: number, y: number): Promise<[number, number, number]> {
    return canvas.evaluate(
      (el, [px, py]) => {
        const c = el as HTMLCanvasElement;
        const dpr = c.width / c.clientWidth;
        const copy = document.createElement('canvas');
        copy.width = c.width;
        copy.height = c.height;
        const ctx = copy.getContext('2d')!;
        ctx.drawImage(c, 0, 0);
        const d = ctx.getImageData(Math.round(px! * dpr), Math.round(py! * dpr), 1, 1).data;
        return [d[0]!, d[1]!, d[2]!] as [number, number, number];
      },
      [x, y],
    );
  }

  /** Whether any pixel within `r` px of (x, y) is within 40 per channel of `hex`. */
  async colorNear(canvas: Locator, x: number, y: number, hex: string, r = 2): Promise<boolean> {
    const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
    return canvas.evaluate(
      (el, [px, py, rad, w]) => {
        const c = el as HTMLCanvasElement;
        const dpr = c.width / c.clientWidth;
        const copy = document.createElement('canvas');
        copy.width = c.width;
        copy.height = c.height;
        const ctx = copy.getContext('2d')!;
        ctx.drawImage(c, 0, 0);
        const s = Math.ceil((rad as number) * dpr);
        const d = ctx.getImageData(
          Math.round((px as number) * dpr) - s,
          Math.round((py as number) * dpr) - s,
          2 * s + 1,
          2 * s + 1,
        ).data;
        const want = w as number[];
        for (let i = 0; i < d.length; i += 4)
          if (
            Math.abs(d[i]! - want[0]!) <= 40 &&
            Math.abs(d[i + 1]! - want[1]!) <= 40 &&
            Math.abs(d[i + 2]! - want[2]!) <= 40
          )
            return true;
        return false;
      },
      [x, y, r, want] as const,
    );
  }

  /** The axis-aligned boxes of the happens-before labels and lines, in page pixels. */
  async hbGeometry() {
    return this.hbSvg.evaluate((svg) => {
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      return {
        svg: box(svg),
        rowLabels: Array.from(svg.querySelectorAll('.hb-row-label')).map(box),
        colLabels: Array.from(svg.querySelectorAll('.hb-col-label')).map(box),
        lines: Array.from(svg.querySelectorAll('line')).map(box),
        scale: Number(svg.getAttribute('data-scale')),
      };
    });
  }

  async waitLayout(layout: 'packed' | 'expanded'): Promise<void> {
    await expect(this.app.canvas).toHaveAttribute('data-layout', layout);
  }
}
