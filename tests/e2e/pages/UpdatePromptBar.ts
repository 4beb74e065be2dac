import type { Page } from 'playwright-core';

/** The “有新版本” bar at the bottom of every screen. */
export class UpdatePromptBar {
  constructor(private readonly page: Page) {}

  private get bar() {
    return this.page.locator('.update-prompt');
  }

  get accept() {
    return this.page.locator('[data-test="update-accept"]');
  }

  async waitForOffer(timeout = 60_000): Promise<void> {
    await this.bar.getByText('有新版本').waitFor({ timeout });
  }

  text(): Promise<string> {
    return this.bar.innerText();
  }

  acceptDisabled(): Promise<boolean> {
    return this.accept.isDisabled();
  }
}
