import type { Page } from 'playwright-core';

/** The page's calls have answered: no loader left (the event stream stays open, so "network idle" never comes). */
export async function settled(page: Page): Promise<void> {
  await page.waitForTimeout(400);
  await page
    .locator('.mantine-Loader-root')
    .first()
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
}

export async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/** Every screen of the navigation and every tab on it; returns the texts seen, by screen. */
export async function tourAllScreens(page: Page): Promise<Array<{ where: string; text: string }>> {
  const seen: Array<{ where: string; text: string }> = [];
  await page.getByTestId('home-page').waitFor();
  seen.push({ where: 'home', text: await visibleText(page) });
  const navIds = await page.locator('[data-testid^="nav-"]').evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!).filter((id) => id !== 'nav-home' && id !== 'nav-toggle'));
  for (const navId of navIds) {
    await page.getByTestId(navId).click();
    await settled(page);
    seen.push({ where: navId, text: await visibleText(page) });
    const tabs = page.locator('[role="tab"]');
    const count = await tabs.count();
    for (let i = 0; i < count; i++) {
      const tab = tabs.nth(i);
      if (!(await tab.isVisible()) || (await tab.isDisabled())) continue;
      await tab.click();
      await settled(page);
      seen.push({ where: `${navId} tab ${i}`, text: await visibleText(page) });
    }
  }
  return seen;
}
