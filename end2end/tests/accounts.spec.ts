import { expect, test, type APIRequestContext } from "@playwright/test";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { sameOrigin } from "./helpers";

/** An 18-character 身份证号 with its GB 11643 check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, c, i) => acc + Number(c) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

// A student of its own per project (the projects share a database), imported by this spec.
const newcomers: Record<string, { no: string; id: string }> = {
  desktop: { no: "2019050001", id: idNumber("43010420010811004") },
  phone: { no: "2019050002", id: idNumber("43010420010812004") },
};

// Where the server files its mail when no SMTP is configured (scripts/test.sh sets both).
const outbox = process.env.E2E_OUTBOX ?? join(__dirname, "..", "..", "data", "outbox");

/** The code in the newest outbox message with `subject`. */
async function newestCode(subject: string): Promise<string> {
  const names = (await readdir(outbox)).filter((n) => n.endsWith(".eml")).sort();
  for (const name of names.reverse()) {
    const text = await readFile(join(outbox, name), "utf8");
    const code = text.match(/验证码：(\d{6})/);
    if (text.includes(`Subject: ${subject}`) && code) return code[1];
  }
  throw new Error(`no message "${subject}" in ${outbox}`);
}

async function importStudent(school: APIRequestContext, no: string, id: string) {
  const csv =
    "学号,姓名,身份证号,民族,政治面貌,学历层次,院系,专业,专业代码,班级,生源所在地代码,手机号码\n" +
    `${no},周新,${id},汉族,共青团员,本科,外国语学院,英语,050201,英语1901,430104,13800138123\n`;
  const upload = await school.post("/staff/import/upload", {
    multipart: { file: { name: "名单.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") } },
    maxRedirects: 0,
  });
  const location = upload.headers()["location"] ?? "";
  const uploadId = location.match(/\/staff\/import\/(\d+)$/)?.[1];
  expect(uploadId, `upload answered ${upload.status()} → ${location}`).toBeTruthy();
  const confirmed = await school.post("/api/import_confirm", {
    form: { upload_id: uploadId! },
    headers: { accept: "application/json" },
  });
  expect(confirmed.ok(), await confirmed.text()).toBeTruthy();
}

async function setFirstLoginChange(school: APIRequestContext, on: boolean) {
  const res = await school.post("/api/set_first_login_change", {
    form: { on: String(on) },
    headers: { accept: "application/json" },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
}

test("a first login with the default password sets a new one, then binds a recovery address by its code", async ({ page, browser }, testInfo) => {
  const newcomer = newcomers[testInfo.project.name];
  const defaultPassword = newcomer.id.slice(-6);
  const staff = await browser.newContext(sameOrigin(testInfo.project.use.baseURL));
  const school = staff.request;
  const login = await school.post("/api/staff_login", { form: { username: "e2e_school", password: "E2e-Staff-Pass" } });
  expect(login.ok()).toBeTruthy();
  await importStudent(school, newcomer.no, newcomer.id);
  await setFirstLoginChange(school, true);
  try {
    await page.goto("/login");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("学号").fill(newcomer.no);
    await page.getByLabel("密码").fill(defaultPassword);
    await page.getByRole("button", { name: "登录" }).click();
    // The default password opens 账号安全 only.
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId("must-change")).toContainText("初始密码");
    await page.goto("/student");
    await expect(page).toHaveURL(/\/account$/);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("当前密码", { exact: true }).fill(defaultPassword);
    await page.getByLabel("新密码", { exact: true }).fill("Summer-Lake-2023");
    await page.getByLabel("再次输入新密码").fill("Summer-Lake-2023");
    await page.getByRole("button", { name: "确认修改" }).click();
    await expect(page).toHaveURL(/\/student$/);
    await expect(page.getByRole("heading", { name: "生源信息" })).toBeVisible();

    // A recovery address is bound only with the code sent to it.
    await page.goto("/account");
    await page.waitForLoadState("networkidle");
    const address = `${newcomer.no}@example.edu.cn`;
    await page.getByLabel("邮箱地址（留空则解除绑定）").fill(address);
    await page.getByLabel("登录密码（确认是本人）").fill("Summer-Lake-2023");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByText(/验证码已发送到 20\*\*\*@example\.edu\.cn/)).toBeVisible();
    await expect(page.getByText("尚未绑定")).toBeVisible();
    await page.getByLabel("邮件中的验证码").fill(await newestCode("绑定找回密码邮箱验证码"));
    await page.getByRole("button", { name: "确认绑定" }).click();
    await expect(page.getByText("已绑定：20***@example.edu.cn")).toBeVisible();
  } finally {
    await setFirstLoginChange(school, false);
    await staff.close();
  }
});
