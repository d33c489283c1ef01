// Page object of the visual debugger, used by every spec: how a user opens traces, reads flags,
// selects anomalies, scrubs the replay, runs scenarios and exports the open run.
import { type Download, expect, type Locator, type Page } from '@playwright/test';

export class DebuggerPage {
  readonly anomalyPanel: Locator;
  readonly anomalyItems: Locator;
  readonly inspector: Locator;
  readonly canvas: Locator;
  readonly playhead: Locator;
  readonly replayState: Locator;
  readonly loadError: Locator;

  constructor(
    readonly page: Page,
    readonly baseUrl: string = process.env.CAUSELANE_URL ?? '',
  ) {
    this.anomalyPanel = page.getByTestId('anomaly-panel');
    this.anomalyItems = page.locator('[data-anomaly-id]');
    this.inspector = page.getByTestId('inspector');
    this.canvas = page.getByTestId('timeline-canvas');
    this.playhead = page.getByTestId('playhead');
    this.replayState = page.getByTestId('replay-state');
    this.loadError = page.getByTestId('load-error');
  }

  /** The query string of the page's address, as URLSearchParams. */
  query(): URLSearchParams {
    return new URL(this.page.url()).searchParams;
  }

  async goto(query = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/${query}`);
  }

  /** Opens a JSONL file through the file picker and waits until its first frame is drawn. */
  async openFile(path: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByTestId('open-file').first().click();
    await (await chooser).setFiles(path);
    await this.waitReady();
  }

  /** Resolves once `performance.mark('causelane:ready')` has fired for a trace of `events` (if given). */
  async waitReady(events?: number): Promise<void> {
    await expect(this.canvas).toHaveAttribute(
      'data-ready-events',
      events === undefined ? /\d+/ : String(events),
      {
        timeout: 120_000,
      },
    );
  }

  /** The anomalies listed, as `type|severity|turn|call` (the expect files' key without the run). */
  async anomalyKeys(): Promise<string[]> {
    return this.anomalyItems.evaluateAll((els) =>
      els.map((el) => {
        const where = el.querySelector('.where')?.textContent ?? '';
        const m = /turn (\d+)(?: · (.*))?/.exec(where);
        return `${el.getAttribute('data-type')}|${el.getAttribute('data-severity')}|${m?.[1] ?? ''}|${m?.[2] ?? ''}`;
      }),
    );
  }

  async selectAnomaly(index: number): Promise<void> {
    await this.anomalyItems.nth(index).click();
  }

  async scrubTo(eventIndex: number): Promise<void> {
    await this.playhead.fill(String(eventIndex));
  }

  async runScenario(name: string): Promise<void> {
    await this.page.getByTestId('scenario-select').first().selectOption(name);
    await this.page.getByTestId('run-scenario').first().click();
  }

  /** Exports the open run from the toolbar's Export menu; resolves with the finished download. */
  async exportRun(format: 'chrome' | 'jsonl'): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('export-menu').locator('summary').click();
    await this.page.getByTestId(`export-${format}`).click();
    return download;
  }

  /** Opens a public example from the empty state's "Open an example" buttons. */
  async openExample(name: string): Promise<void> {
    await this.page.locator(`[data-testid="open-example"][data-example="${name}"]`).click();
    await this.waitReady();
  }

  /**
   * The viewport point over event `index` on lane row `row` (0 is the agent's lane, then per turn its
   * header and its calls), with the whole run shown in seq order (rows are 22 px, lanes start at 200).
   */
  async pointAt(index: number, row: number, eventCount: number): Promise<{ x: number; y: number }> {
    const box = (await this.canvas.boundingBox())!;
    const pad = Math.max((eventCount - 1) * 0.02, 0.5);
    const width = box.width - 200;
    const x = box.x + 200 + ((index + pad) / (eventCount - 1 + 2 * pad)) * width;
    return { x, y: box.y + row * 22 + 11 };
  }

  /** Hovers the lane row `row` at event `index` (seq mode, whole run) and returns the hover card. */
  async hover(index: number, row: number, eventCount: number): Promise<Locator> {
    const p = await this.pointAt(index, row, eventCount);
    // The lower half of the row: its top holds the anomaly flags.
    await this.page.mouse.move(p.x - 3, p.y + 5);
    await this.page.mouse.move(p.x, p.y + 5);
    return this.page.getByTestId('hover-card');
  }

  /** The hover card's value for a row label ("call id", "duration", "args"…). */
  hoverValue(label: string): Locator {
    return this.page.getByTestId('hover-card').locator(`[data-hover="${label}"]`);
  }

  /** The replay bar's play and pause buttons. */
  replayButton(name: 'Play' | 'Pause'): Locator {
    return this.page.getByTestId('replay-bar').getByRole('button', { name, exact: true });
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('search-input').fill(text);
  }

  async jumpToTurn(n: number): Promise<void> {
    await this.page.getByTestId('turn-input').fill(String(n));
    await this.page.getByTestId('turn-input').press('Enter');
  }

  /** Clicks a chip of the anomaly filter by its visible label (e.g. "error", "Stale read"). */
  async toggleChip(label: string | RegExp): Promise<void> {
    await this.anomalyPanel.locator('.filters button', { hasText: label }).first().click();
  }

  /** Presses a page-wide shortcut with the focus on the page body (not in a field). */
  async shortcut(key: string): Promise<void> {
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await this.page.keyboard.press(key);
  }

  /** The visible window from the address bar (from/to), once it is written. */
  async urlWindow(): Promise<{ from: number; to: number }> {
    await expect.poll(() => this.query().has('from')).toBe(true);
    return { from: Number(this.query().get('from')), to: Number(this.query().get('to')) };
  }

  /** Writes docs/screenshots/NAME.png, only when asked (`pnpm screenshots` sets CAUSELANE_SCREENSHOTS). */
  async screenshot(name: string): Promise<void> {
    if (!process.env.CAUSELANE_SCREENSHOTS) return;
    await this.page.screenshot({
      path: new URL(`../../docs/screenshots/${name}.png`, import.meta.url).pathname,
    });
  }
}
