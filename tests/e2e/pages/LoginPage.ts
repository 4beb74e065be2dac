import type { Page } from 'playwright-core';

/** The login screen, as a person uses it. */
export class LoginPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/login');
    await this.page.getByRole('button', { name: '登录' }).waitFor();
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByPlaceholder('用户名').fill(username);
    await this.page.getByPlaceholder('密码').fill(password);
    await this.page.getByRole('button', { name: '登录' }).click();
  }

  errorText(): Promise<string> {
    return this.page.getByRole('alert').innerText();
  }
}
