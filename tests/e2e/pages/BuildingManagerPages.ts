import type { Page } from 'playwright-core';

/** A building manager's screens: 我的场所, 报告可疑线索, 我的报告, and the self-check picker. */
export class BuildingManagerPages {
  constructor(private readonly page: Page) {}

  /** The routes of the building manager's app, each one they can open. */
  static readonly ROUTES = ['/field', '/field/places', '/field/self-check', '/field/report', '/field/reports', '/field/sync'] as const;

  async openPlaces(): Promise<string[]> {
    await this.page.goto('/field/places');
    await this.page.locator('[data-test="place"]').first().waitFor({ timeout: 30_000 });
    return (await this.page.locator('[data-test="place"] strong').allInnerTexts()).map((s) => s.trim());
  }

  /** Opens one of their places by name; resolves with its id. */
  async openPlace(name: string): Promise<string> {
    await this.page.locator('[data-test="place"]').filter({ hasText: name }).click();
    await this.page.waitForURL(/\/field\/my-places\/[0-9a-f-]{36}$/);
    await this.page.locator('[data-test="place-facts"]').waitFor();
    return this.page.url().split('/').pop()!;
  }

  /** 报告可疑线索 from the field home tile. */
  async openReportFromHome(): Promise<void> {
    await this.page.goto('/field');
    await this.page.getByRole('link', { name: '报告可疑线索' }).click();
    await this.page.waitForURL('**/field/report');
    await this.page.locator('[data-test="report-summary"]').waitFor();
  }

  async report(r: { place: string; categories: string[]; summary: string; photo?: string }): Promise<void> {
    await this.page.locator('[data-test="report-place"]').filter({ hasText: r.place }).click();
    for (const c of r.categories) await this.page.locator(`[data-test="report-category-${c}"]`).click();
    await this.page.locator('[data-test="report-summary"]').fill(r.summary);
    if (r.photo) {
      await this.page.locator('[data-test="photo-input"]').setInputFiles(r.photo);
      await this.page.locator('[data-test="photo"] img').first().waitFor({ timeout: 30_000 });
    }
  }

  async submitReport(): Promise<void> {
    await this.page.locator('[data-test="report-submit"]').click();
    await this.page.locator('[data-test="report-saved"]').waitFor();
  }

  async openReports(): Promise<void> {
    await this.page.goto('/field/reports');
    await this.page.locator('[data-test="new-report"]').waitFor();
  }

  /** The status shown on the report whose summary contains `summary`. */
  async statusOf(summary: string): Promise<string> {
    const row = this.page.locator('[data-test="report"]').filter({ hasText: summary });
    await row.first().waitFor({ timeout: 10_000 });
    return (await row.locator('[data-test="report-status"]').innerText()).trim();
  }

  /** How many reports show `summary`, counted once the list has rendered the first of them. */
  async reportCount(summary: string): Promise<number> {
    const rows = this.page.locator('[data-test="report"]').filter({ hasText: summary });
    await rows.first().waitFor({ timeout: 10_000 });
    return rows.count();
  }
}
