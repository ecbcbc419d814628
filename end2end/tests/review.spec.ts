import { expect, test, type Page } from "@playwright/test";
import { staffLogin, submitAsStudent, sameOrigin } from "./helpers";

// Each project reviews its own college, so the projects never share students.
const setups: Record<string, { staff: string; rejected: { no: string; password: string }; others: { no: string; password: string }[] }> = {
  desktop: {
    staff: "e2e_math",
    rejected: { no: "2019010002", password: "200020" },
    others: [{ no: "2020010001", password: "070052" }],
  },
  phone: {
    staff: "e2e_cs",
    rejected: { no: "2019020001", password: "01003X" },
    others: [
      { no: "2019020002", password: "110049" },
      { no: "2019020004", password: "060085" },
    ],
  },
};

test("a counselor reviews: filter, copy to 校库, reject, student fixes, approve by keyboard, batch", async ({ page, browser }, testInfo) => {
  const setup = setups[testInfo.project.name];
  const studentContext = await browser.newContext(sameOrigin(testInfo.project.use.baseURL));
  for (const s of [setup.rejected, ...setup.others]) {
    const ctx = await browser.newContext(sameOrigin(testInfo.project.use.baseURL));
    await submitAsStudent(ctx.request, s.no, s.password, "first");
    await ctx.close();
  }

  await staffLogin(page, setup.staff);
  await page.getByRole("link", { name: "审核队列" }).first().click();
  await expect(page.getByRole("heading", { name: "审核队列" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await page.getByRole("link", { name: /^学生已核/ }).click();
  await expect(page).toHaveURL(/status=submitted/);
  await page.getByRole("link", { name: setup.rejected.no }).click();
  await expect(page.getByRole("heading", { name: new RegExp(setup.rejected.no) })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const detailUrl = page.url();

  // The QQ differs from 校库: copy that one field.
  await page.getByRole("button", { name: "复制到校库：QQ号码" }).click();
  await expect(page.getByText("已复制到校库")).toBeVisible();
  await expect(page.getByRole("button", { name: "复制到校库：QQ号码" })).toHaveCount(0);

  // 不通过 with a reason; the next student of the queue opens.
  await page.getByLabel("不通过原因").selectOption("生源地不准确");
  await page.getByLabel("说明").fill("请选择到区县一级的户籍所在地");
  await page.getByRole("button", { name: "不通过" }).click();
  await expect(page).not.toHaveURL(detailUrl);

  // The student sees the reason, fixes and resubmits.
  const student = await studentContext.newPage();
  await student.goto("/login");
  await student.waitForLoadState("networkidle");
  await student.getByLabel("学号").fill(setup.rejected.no);
  await student.getByLabel("密码").fill(setup.rejected.password);
  await student.getByRole("button", { name: "登录" }).click();
  await expect(student.getByTestId("status-badge").first()).toHaveText("审核不通过");
  await expect(student.getByText("生源地不准确：请选择到区县一级的户籍所在地")).toBeVisible();
  await expect(student.getByLabel("未读消息")).toHaveText("1");
  await student.waitForLoadState("networkidle");
  await student.getByLabel("区县").selectOption({ label: "岳麓区" });
  await student.getByRole("button", { name: "提交核验" }).click();
  await expect(student.getByTestId("status-badge").first()).toHaveText("学生已核");
  await studentContext.close();

  // Approve with the keyboard: A, and the next student opens.
  await page.goto(detailUrl);
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("status-badge").first()).toHaveText("学生已核");
  await expect(page.getByText("快捷键：A 通过")).toBeVisible();
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("a");
  await expect(page).not.toHaveURL(detailUrl);
  await expect(page).toHaveURL(/\/review/);

  // Batch approve whatever is left in the queue.
  await page.goto("/review?status=submitted");
  await page.waitForLoadState("networkidle");
  const rows = page.locator("table.queue tbody tr");
  const waiting = await rows.count();
  expect(waiting).toBeGreaterThan(0);
  await page.getByLabel("全选本页待审核学生").check();
  await page.getByRole("button", { name: /批量通过/ }).click();
  await expect(page.getByText(`已通过 ${waiting} 人`)).toBeVisible();
  await page.goto("/review?status=approved");
  await expect(page.getByRole("link", { name: setup.rejected.no })).toBeVisible();
});

test("staff add a missing student (新增), who then logs in", async ({ page, browser }, testInfo) => {
  const no = testInfo.project.name === "desktop" ? "2018010501" : "2018020502";
  const staff = testInfo.project.name === "desktop" ? "e2e_math" : "e2e_cs";
  await staffLogin(page, staff);
  await page.goto("/review/new");
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "新增" }).click();
  await expect(page.getByText("请填写学号")).toBeVisible();

  await page.getByLabel("学号").fill(no);
  await page.getByLabel("姓名").fill("复学同学");
  await page.getByLabel("身份证号").fill("43010420000229002x");
  await page.getByLabel("考生号").fill("18430104100009");
  await page.getByLabel("学历层次").selectOption({ label: "本科" });
  await page.getByLabel("所在专业").fill("软件工程");
  await page.getByLabel("专业代码").fill("080902");
  await page.getByLabel("班级").fill("软件1801");
  await page.getByLabel("学制").fill("4");
  await page.getByLabel("入学时间").fill("2018-09");
  await page.getByLabel("毕业时间").fill("2023-06");
  await page.getByLabel("生源所在地", { exact: true }).selectOption({ label: "湖南省" });
  await page.getByLabel("城市").selectOption({ label: "长沙市" });
  await page.getByLabel("区县").selectOption({ label: "岳麓区" });
  await page.getByLabel("培养方式").selectOption({ label: "非定向" });
  await page.getByLabel("师范生类别").selectOption({ label: "非师范生" });
  await page.getByLabel("城乡生源").selectOption({ label: "城镇" });
  await page.getByLabel("民族").selectOption({ label: "汉族" });
  await page.getByLabel("政治面貌").selectOption({ label: "共青团员" });
  await page.getByLabel("困难生类别").selectOption({ label: "非困难生" });
  await page.getByLabel("手机号码").fill("13912345678");
  await page.getByLabel("电子邮箱").fill("fx@example.com");
  await page.getByLabel("QQ号码").fill("123456789");
  await page.getByLabel("家庭地址").fill("湖南省长沙市岳麓区麓山南路2号");
  await page.getByLabel("邮编").fill("410082");
  await page.getByRole("button", { name: "新增" }).click();
  await expect(page).toHaveURL(/\/review\/\d+/);
  await expect(page.getByRole("heading", { name: new RegExp(no) })).toBeVisible();

  const ctx = await browser.newContext(sameOrigin(testInfo.project.use.baseURL));
  const student = await ctx.newPage();
  await student.goto("/login");
  await student.waitForLoadState("networkidle");
  await student.getByLabel("学号").fill(no);
  await student.getByLabel("密码").fill("29002X");
  await student.getByRole("button", { name: "登录" }).click();
  await expect(student.getByRole("heading", { name: "生源信息" })).toBeVisible();
  await expect(student.getByText("复学同学").first()).toBeVisible();
  await ctx.close();
});
