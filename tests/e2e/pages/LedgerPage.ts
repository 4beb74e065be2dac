import type { Page } from 'playwright-core';

export interface NewSubject {
  name: string;
  /** The category as the select shows it, e.g. 已转型学科类机构. */
  category: string;
  creditCode: string;
  reason: string;
}

/** The key-subject ledger of a grid worker (/field/ledger), as a person uses it. */
export class LedgerPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/field/ledger');
    await this.page.locator('[data-test="ledger-add"]').waitFor();
  }

  /** 入账登记: fills the form and saves; resolves on the new subject's page, with its id. */
  async create(s: NewSubject): Promise<string> {
    await this.page.goto('/field/ledger/new');
    const form = this.page.locator('[data-test="subject-form"]');
    await form.waitFor();
    await form.getByLabel('类别').selectOption({ label: s.category });
    await form.getByLabel('名称').fill(s.name);
    await form.getByLabel('统一社会信用代码').fill(s.creditCode);
    await form.getByLabel('入账原因').fill(s.reason);
    await form.getByRole('button', { name: '保存入账' }).click();
    await this.page.waitForURL(/\/field\/ledger\/[0-9a-f-]{36}$/);
    return this.page.url().split('/').pop()!;
  }

  /** Whether the ledger list shows a subject called `name`. */
  async lists(name: string): Promise<boolean> {
    await this.open();
    const row = this.page.locator('[data-test="subject-row"]').filter({ hasText: name });
    await row.first().waitFor({ timeout: 10_000 }).catch(() => undefined);
    return (await row.count()) > 0;
  }
}

