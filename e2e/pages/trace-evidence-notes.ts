// Page object of the run's "What this trace cannot show" notes above the anomaly list (importers'
// evidence notes from run.start meta.evidence).
import type { Locator, Page } from '@playwright/test';

export class TraceEvidenceNotes {
  readonly root: Locator;
  readonly notes: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('evidence-notes');
    this.notes = page.getByTestId('evidence-note');
  }

  async texts(): Promise<string[]> {
    return this.notes.allTextContents();
  }
}
