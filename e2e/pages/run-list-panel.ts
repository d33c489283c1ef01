// Page object of the collector's run list on the left: rows, search, paging, delete and upload.
import { expect, type Locator, type Page } from '@playwright/test';

export class RunListPanel {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('run-list');
  }

  row(run: string): Locator {
    return this.root.locator('li.run-row', { has: this.page.locator(`button[data-run="${run}"]`) });
  }

  field(run: string, name: 'agent' | 'status' | 'start' | 'duration'): Locator {
    return this.row(run).locator(`[data-field="${name}"]`);
  }

  severityCount(run: string, sev: 'error' | 'warning' | 'info'): Locator {
    return this.row(run).locator(`[data-sev="${sev}"]`);
  }

  async open(run: string): Promise<void> {
    await this.root.locator(`button[data-run="${run}"]`).click();
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('run-search').fill(text);
  }

  async delete(run: string, confirm: boolean): Promise<void> {
    await this.row(run)
      .getByRole('button', { name: `Delete run ${run}` })
      .click();
    if (confirm) await this.row(run).getByTestId('confirm-delete').click();
    else await this.row(run).getByRole('button', { name: 'Keep' }).click();
  }

  async upload(name: string, text: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByTestId('upload-run').click();
    await (await chooser).setFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  }

  items(): Locator {
    return this.root.locator('button[data-run]');
  }

  async loadMore(): Promise<void> {
    await this.page.getByTestId('load-more-runs').click();
  }

  async expectListed(run: string): Promise<void> {
    await expect(this.root.locator(`button[data-run="${run}"]`)).toBeVisible();
  }
}
