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

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({
      path: new URL(`../../docs/screenshots/${name}.png`, import.meta.url).pathname,
    });
  }
}
