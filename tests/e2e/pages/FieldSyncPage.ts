import type { Page } from 'playwright-core';

/** 同步状态 (/field/sync) of grid workers and building managers: what waits, the last sync, sync now. */
export class FieldSyncPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/field/sync');
    // The count shows once the device has counted its outbox (never a 0 it does not know yet).
    await this.page.locator('[data-test="sync-pending"][data-known="true"]').waitFor();
  }

  /** The pending count as shown (“2 条”). */
  async pending(): Promise<number> {
    const text = await this.page.locator('[data-test="sync-pending"]').innerText();
    return Number(/(\d+)/.exec(text)?.[1] ?? NaN);
  }

  async waitForPending(n: number, timeout = 60_000): Promise<void> {
    await this.page.locator('[data-test="sync-pending"]').getByText(`${n} 条`, { exact: true }).waitFor({ timeout });
  }

  /** The first sync has finished: nothing waits and a last successful sync is shown. */
  async waitForFirstSync(timeout = 60_000): Promise<void> {
    await this.waitForPending(0, timeout);
    await this.page.locator('[data-test="sync-last"]').filter({ hasNotText: '从未同步' }).waitFor({ timeout });
  }

  /** The sync cycle has ended with everything sent: 全部已同步, and no error from an earlier attempt. */
  async waitForAllSynced(timeout = 60_000): Promise<void> {
    await this.page.locator('[data-test="sync-status"] [role="status"]').getByText('全部已同步', { exact: true }).waitFor({ timeout });
    await this.page.locator('[data-test="sync-error"]').waitFor({ state: 'detached', timeout });
  }

  lastSync(): Promise<string> {
    return this.page.locator('[data-test="sync-last"]').innerText();
  }

  async syncNow(): Promise<void> {
    await this.page.locator('[data-test="sync-now"]').click();
  }

  /** The pending count on the header badge (0 when the badge shows none). */
  async badgeCount(): Promise<number> {
    const count = this.page.locator('[data-test="sync-badge-count"]');
    return (await count.count()) === 0 ? 0 : Number(await count.innerText());
  }
}
