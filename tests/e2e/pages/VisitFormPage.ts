import type { Page } from 'playwright-core';

export type Outcome = 'no_issue' | 'issue_found' | 'premises_closed' | 'entry_refused';

/** 现场检查 / 楼栋自查: the visit form, item by item, as an inspector fills it in. */
export class VisitFormPage {
  constructor(private readonly page: Page) {}

  async waitForForm(timeout = 30_000): Promise<void> {
    await this.page.locator('[data-test="visit-context"]').waitFor({ timeout });
  }

  placeName(): Promise<string> {
    return this.page.locator('.visit-new__place-name').innerText();
  }

  private item(code: string) {
    return this.page.locator(`[data-test="item-${code}"]`);
  }

  /** 是 / 否 on a yes-no item. */
  async answer(code: string, yes: boolean): Promise<void> {
    const button = this.item(code).locator(`[data-test="answer-${code}-${yes ? 'yes' : 'no'}"]`);
    await button.click();
    await this.page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true',
      `[data-test="answer-${code}-${yes ? 'yes' : 'no'}"]`,
    );
  }

  /** Whether 是 (true), 否 (false) or nothing (null) is pressed on a yes-no item. */
  async answerOf(code: string): Promise<boolean | null> {
    if ((await this.item(code).locator(`[data-test="answer-${code}-yes"]`).getAttribute('aria-pressed')) === 'true') return true;
    if ((await this.item(code).locator(`[data-test="answer-${code}-no"]`).getAttribute('aria-pressed')) === 'true') return false;
    return null;
  }

  /** The 问题说明 of a violating answer. */
  async note(code: string, text: string): Promise<void> {
    await this.item(code).locator(`[data-test="note-${code}"]`).fill(text);
  }

  noteOf(code: string): Promise<string> {
    return this.item(code).locator(`[data-test="note-${code}"]`).inputValue();
  }

  /** Attaches a photo file to an item through the camera input; waits until it is stored on the device. */
  async attachPhoto(code: string, file: string): Promise<void> {
    const photos = this.item(code).locator('[data-test="photo"]');
    const before = await photos.count();
    await this.item(code).locator('[data-test="photo-input"]').setInputFiles(file);
    await photos.nth(before).locator('img').waitFor({ timeout: 30_000 });
  }

  async outcome(o: Outcome): Promise<void> {
    await this.page.locator(`[data-test="outcome-${o}"]`).click();
  }

  /** 完成检查; resolves on the receipt (the saved visit's page, which replaced the form's address). */
  async finish(): Promise<{ hash: string; caseOpened: boolean }> {
    await this.page.locator('[data-test="finish"]').click();
    const receipt = this.page.locator('[data-test="receipt"]');
    const problems = this.page.locator('[data-test="problems"]');
    await receipt.or(problems).first().waitFor({ timeout: 30_000 });
    if (await problems.isVisible()) throw new Error(`the visit cannot be finished: ${await problems.innerText()}`);
    return {
      hash: await this.page.locator('[data-test="receipt-hash"]').innerText(),
      caseOpened: (await this.page.locator('[data-test="receipt-case"]').count()) > 0,
    };
  }

  /** Whether a tap on the middle of 完成检查 reaches it (nothing laid over it). */
  async finishReachable(): Promise<boolean> {
    return this.page.locator('[data-test="finish"]').evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit !== null && el.contains(hit);
    });
  }

  /** 放弃本次检查 → 确定放弃. */
  async discard(): Promise<void> {
    await this.page.locator('[data-test="discard"]').click();
    await this.page.locator('[data-test="discard-yes"]').click();
    await this.page.waitForURL((url) => !url.pathname.startsWith('/field/visit/new'));
  }
}
