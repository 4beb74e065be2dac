import type { Page } from 'playwright-core';

/** 今日任务 (/field/tasks): today's and overdue tasks of a grid worker, from the device. */
export class TaskListPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/field/tasks');
    await this.waitForTasks();
  }

  async waitForTasks(timeout = 30_000): Promise<void> {
    await this.page.locator('[data-test="task-card"]').first().waitFor({ timeout });
  }

  titles(): Promise<string[]> {
    return this.page.locator('[data-test="task-title"]').allInnerTexts();
  }

  /** Opens the first task that can still be worked on (not done, not cancelled); resolves with its id. */
  async openFirstOpenTask(): Promise<string> {
    const cards = this.page.locator('[data-test="task-card"]');
    const n = await cards.count();
    for (let i = 0; i < n; i++) {
      const card = cards.nth(i);
      const text = await card.innerText();
      if (/已完成|已取消/.test(text)) continue;
      await card.click();
      await this.page.waitForURL(/\/field\/tasks\/[0-9a-f-]{36}$/);
      await this.page.locator('[data-test="route-stop"]').first().waitFor();
      return this.page.url().split('/').pop()!;
    }
    throw new Error('no open task in the list');
  }
}

/** 任务详情 (/field/tasks/:id): the ordered route and 开始检查 at a place. */
export class TaskPage {
  constructor(private readonly page: Page) {}

  stopNames(): Promise<string[]> {
    return this.page.locator('[data-test="stop-name"]').allInnerTexts();
  }

  /** 开始检查 at the route's n-th place (0-based); resolves on the visit form. */
  async startVisitAt(index = 0): Promise<void> {
    await this.page.locator('[data-test="route-stop"]').nth(index).locator('[data-test="stop-start"]').click();
    await this.page.waitForURL(/\/field\/visit\/new\?/);
  }

  async openMap(): Promise<void> {
    await this.page.locator('[data-test="task-map"]').click();
    await this.page.waitForURL(/\/field\/tasks\/[0-9a-f-]{36}\/map$/);
  }
}
