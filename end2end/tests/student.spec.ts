import { expect, test, type Page } from "@playwright/test";

// Unique students per project (see fixtures/roster.csv): the projects share one database.
const students: Record<string, { no: string; password: string }> = {
  desktop: { no: "2019010001", password: "150018" },
  phone: { no: "2019020003", password: "030074" },
};

async function waitForHydration(page: Page) {
  // Leptos removes nothing visible at hydration; wait until the WASM has loaded and run.
  await page.waitForLoadState("networkidle");
}

async function login(page: Page, no: string, password: string) {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("学号").fill(no);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/student$/);
  await expect(page.getByRole("heading", { name: "生源信息" })).toBeVisible();
  await waitForHydration(page);
}

const badge = (page: Page) => page.getByTestId("status-badge").first();

test("wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("学号").fill("2019010002");
  await page.getByLabel("密码").fill("000000");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("alert")).toContainText("账号或密码错误");
  await expect(page).toHaveURL(/\/login$/);
});

test("a student checks, fixes, submits, withdraws and resubmits", async ({ page }, testInfo) => {
  const student = students[testInfo.project.name];
  await login(page, student.no, student.password);

  // Before 开始核验: the grey 学籍 fields and the status.
  await expect(badge(page)).toHaveText("未核验");
  await expect(page.getByText(student.no).first()).toBeVisible();
  await page.getByRole("button", { name: "开始核验" }).click();
  await expect(page.getByRole("button", { name: "保存草稿" })).toBeVisible();

  // A QQ with a letter: the shared rule speaks as the field is left.
  const qq = page.getByLabel("QQ号码");
  await qq.fill("12345a");
  await qq.blur();
  await expect(page.getByText("QQ号码只能包含数字")).toBeVisible();
  await qq.fill("１２３４５６７８9"); // full-width digits from a Chinese IME are fine
  await qq.blur();
  await expect(page.getByText("QQ号码只能包含数字")).toHaveCount(0);

  // An origin that stops at city level cannot be submitted.
  await page.getByLabel("生源所在地", { exact: true }).selectOption({ label: "湖南省" });
  await page.getByLabel("城市").selectOption({ label: "长沙市" });
  await page.getByRole("button", { name: "提交核验" }).click();
  await expect(page.getByText("生源所在地须填写到县（区）一级").first()).toBeVisible();
  await expect(badge(page)).toHaveText("未核验");

  await page.getByLabel("区县").selectOption({ label: "岳麓区" });
  await expect(page.getByText("生源所在地须填写到县（区）一级")).toHaveCount(0);
  await page.getByLabel("手机号码").fill("13912345678");
  await page.getByLabel("家庭地址").fill("湖南省长沙市岳麓区麓山南路2号");
  await page.getByLabel("邮编").fill("410082");
  await page.getByLabel("困难生类别").selectOption({ label: "非困难生" });
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByText("草稿已保存")).toBeVisible();

  await page.getByRole("button", { name: "提交核验" }).click();
  await expect(badge(page)).toHaveText("学生已核");
  await expect(page.getByRole("button", { name: "提交核验" })).toHaveCount(0);

  await page.getByRole("button", { name: "提交撤回" }).click();
  await expect(badge(page)).toHaveText("未核验");
  await page.getByRole("button", { name: "提交核验" }).click();
  await expect(badge(page)).toHaveText("学生已核");

  // The saved state survives a reload.
  await page.reload();
  await waitForHydration(page);
  await expect(badge(page)).toHaveText("学生已核");
  await expect(page.getByText("123456789").first()).toBeVisible();
  await expect(page.getByText("湖南省长沙市岳麓区").first()).toBeVisible();
});

test("staff sign in from the 教师登录 tab", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByRole("link", { name: "教师登录" }).click();
  await expect(page).toHaveURL(/\/staff\/login$/);
  await page.getByLabel("用户名").fill("e2e_math");
  await page.getByLabel("密码").fill("E2e-Staff-Pass");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByText("数学与计算科学学院").first()).toBeVisible();
});
