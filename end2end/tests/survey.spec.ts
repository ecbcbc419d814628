import { expect, test, type Page } from "@playwright/test";
import { staffLogin, sameOrigin } from "./helpers";

// Students used by no other spec, one per project.
const students: Record<string, { no: string; password: string }> = {
  desktop: { no: "2019030003", password: "11008X" },
  phone: { no: "2019030004", password: "120085" },
};

async function gate(staff: Page, on: boolean) {
  await staff.goto("/staff/survey");
  await staff.waitForLoadState("networkidle");
  const text = staff.getByTestId("survey-gate");
  await expect(text).toBeVisible();
  const isOn = (await text.textContent())?.includes("已开启");
  if (isOn !== on) {
    await staff.getByRole("button", { name: on ? "开启“先填问卷”" : "关闭“先填问卷”" }).click();
    await expect(text).toContainText(on ? "已开启" : "未开启");
  }
}

test("a new student answers the survey before the form opens; 学校 sees the statistics", async ({ page, browser }, testInfo) => {
  const student = students[testInfo.project.name];
  const staffContext = await browser.newContext(sameOrigin(testInfo.project.use.baseURL));
  const staff = await staffContext.newPage();
  await staffLogin(staff, "e2e_school");
  await staff.goto("/staff/survey");
  await staff.waitForLoadState("networkidle");
  const install = staff.getByRole("button", { name: "使用默认问卷" });
  if (await install.isVisible()) {
    await install.click();
    await expect(staff.getByTestId("survey-question")).toHaveCount(6);
  }
  await gate(staff, true);

  try {
    // Logging in leads to the survey; the form cannot be opened before it is finished.
    await page.goto("/login");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("学号").fill(student.no);
    await page.getByLabel("密码").fill(student.password);
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page).toHaveURL(/\/student\/survey$/);
    await expect(page.getByRole("heading", { name: "求职意向调研问卷" })).toBeVisible();
    await page.goto("/student");
    await expect(page).toHaveURL(/\/student\/survey$/);
    await page.waitForLoadState("networkidle");

    // The shared rules speak before anything is sent.
    await page.getByRole("button", { name: "提交问卷" }).click();
    await expect(page.getByText("请回答：毕业去向打算")).toBeVisible();

    await page.getByLabel("考研", { exact: true }).check();
    await page.getByLabel("长沙", { exact: true }).check();
    await page.getByLabel("深圳", { exact: true }).check();
    await page.getByLabel("教育", { exact: true }).check();
    await page.getByLabel("国有企业", { exact: true }).check();
    await page.getByRole("group", { name: /期望月薪/ }).getByRole("textbox").fill("8000");
    await page.getByRole("button", { name: "提交问卷" }).click();
    await expect(page).toHaveURL(/\/student$/);
    await expect(page.getByRole("heading", { name: "生源信息" })).toBeVisible();
    await expect(page.getByRole("button", { name: "开始核验" })).toBeVisible();

    // 学校 sees the answer in the statistics.
    await staff.goto("/staff/survey");
    await expect(staff.getByTestId("survey-respondents")).toContainText("已作答");
    const respondents = Number(/已作答 (\d+) 人/.exec((await staff.getByTestId("survey-respondents").textContent()) ?? "")?.[1]);
    expect(respondents).toBeGreaterThanOrEqual(1);
    await expect(staff.getByTestId("survey-question").first().locator("svg")).toBeVisible();
  } finally {
    // Other specs' students must not meet the survey.
    await gate(staff, false);
    await staffContext.close();
  }
});
