import { expect, test, type Page } from "@playwright/test";

// Students of 外国语学院 are used by no other spec; one per project (they share a database).
const students: Record<string, { no: string; password: string }> = {
  desktop: { no: "2019030001", password: "080067" },
  phone: { no: "2019030002", password: "090072" },
};
const counselor = { username: "e2e_fl", password: "E2e-Staff-Pass" };

async function waitForHydration(page: Page) {
  await page.waitForLoadState("networkidle");
}

/** Fails the test if the Content-Security-Policy blocks anything on the page (e.g. hydration). */
function watchCsp(page: Page, violations: string[]) {
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
}

async function tryLogin(page: Page, no: string, password: string) {
  await page.getByLabel("学号").fill(no);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

test("a student locks the account, the counselor unlocks it, the student logs in", async ({ page, browser }, testInfo) => {
  const student = students[testInfo.project.name];
  const violations: string[] = [];
  watchCsp(page, violations);
  await page.goto("/login");
  await waitForHydration(page);

  for (let left = 4; left >= 1; left--) {
    await tryLogin(page, student.no, "wrong-password");
    await expect(page.getByRole("alert")).toContainText(`再错 ${left} 次`);
  }
  await tryLogin(page, student.no, "wrong-password");
  await expect(page.getByRole("alert")).toContainText("账号已锁定");
  // Locked: even the right password is refused, and the page says whom to ask.
  await tryLogin(page, student.no, student.password);
  await expect(page.getByRole("alert")).toContainText("账号已锁定");
  await expect(page.getByRole("alert")).toContainText("辅导员");
  await expect(page).toHaveURL(/\/login$/);

  // The counselor of her college unlocks her in the back office.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  watchCsp(staff, violations);
  await staff.goto("/staff/login");
  await waitForHydration(staff);
  await staff.getByLabel("用户名").fill(counselor.username);
  await staff.getByLabel("密码").fill(counselor.password);
  await staff.getByRole("button", { name: "登录" }).click();
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.getByRole("link", { name: "账号管理" }).click();
  await expect(staff).toHaveURL(/\/staff\/accounts$/);
  const row = staff.getByTestId("locked-students").getByRole("row", { name: new RegExp(student.no) });
  await expect(row).toBeVisible();
  await waitForHydration(staff);
  await row.getByRole("button", { name: "解锁" }).click();
  await expect(staff.getByText("已解锁 1 个账号")).toBeVisible();
  await expect(staff.getByTestId("no-locked")).toBeVisible();

  // The student logs in.
  await tryLogin(page, student.no, student.password);
  await expect(page).toHaveURL(/\/student$/);
  await expect(page.getByRole("heading", { name: "生源信息" })).toBeVisible();

  // She sets a password of her own …
  await waitForHydration(page);
  await page.getByRole("link", { name: "账号安全" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await waitForHydration(page);
  await page.getByLabel("当前密码", { exact: true }).fill(student.password);
  await page.getByLabel("新密码", { exact: true }).fill("123");
  await page.getByLabel("再次输入新密码").fill("123");
  await page.getByRole("button", { name: "确认修改" }).click();
  await expect(page.getByText("新密码至少 8 位")).toBeVisible();
  await page.getByLabel("新密码", { exact: true }).fill("Spring-Rain-2023");
  await page.getByLabel("再次输入新密码").fill("Spring-Rain-2023");
  await page.getByRole("button", { name: "确认修改" }).click();
  await expect(page.getByText("密码已修改")).toBeVisible();

  // … forgets it; the counselor resets her to the default, and she must choose a new one.
  staff.once("dialog", (dialog) => dialog.accept());
  await staff.getByLabel("学号（可粘贴多个，用空格、逗号或换行分隔）").fill(student.no);
  await staff.getByRole("button", { name: "重置为初始密码" }).click();
  await expect(staff.getByTestId("reset-result")).toContainText("已将 1 个账号重置为初始密码");

  await page.goto("/login");
  await waitForHydration(page);
  await tryLogin(page, student.no, student.password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("must-change")).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel("当前密码", { exact: true }).fill(student.password);
  await page.getByLabel("新密码", { exact: true }).fill("Autumn-Leaf-2023");
  await page.getByLabel("再次输入新密码").fill("Autumn-Leaf-2023");
  await page.getByRole("button", { name: "确认修改" }).click();
  await expect(page).toHaveURL(/\/student$/);
  await expect(page.getByRole("heading", { name: "生源信息" })).toBeVisible();

  await staffContext.close();

  expect(violations, "no Content-Security-Policy violations").toEqual([]);
});
