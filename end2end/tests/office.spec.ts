import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { readFile } from "node:fs/promises";
import { staffLogin, submitAsStudent, sameOrigin } from "./helpers";

/** An 18-character 身份证号 with its GB 11643 check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, c, i) => acc + Number(c) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

// One new student per project (the projects share a database).
const newcomers: Record<string, { no: string; name: string; id: string }> = {
  desktop: { no: "2019040001", name: "陈新", id: idNumber("43010420010701004") },
  phone: { no: "2019040002", name: "林复", id: idNumber("43010420010702004") },
};

async function rosterXlsx(no: string, name: string, id: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("名单");
  sheet.addRow(["学号", "姓名", "身份证号", "民族", "政治面貌", "学历层次", "院系", "专业", "专业代码", "班级", "生源所在地代码", "手机号码"]);
  sheet.addRow([no, name, id, "汉族", "共青团员", "本科", "外国语学院", "英语", "050201", "英语1901", "430104", "13800138111"]);
  // A bad row: there is no 13th month.
  sheet.addRow([`${no}9`, "错行", "430104200113450018", "汉族", "共青团员", "本科", "外国语学院", "英语", "050201", "英语1901", "430104", "13800138112"]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

test("the office imports an xlsx after its preview, watches the dashboard and exports", async ({ page, browser }, testInfo) => {
  const newcomer = newcomers[testInfo.project.name];
  await staffLogin(page, "e2e_school");
  await page.waitForLoadState("networkidle");

  // Upload: the preview shows the bad row and writes nothing until confirmed.
  await page.getByRole("link", { name: "导入名单" }).click();
  await expect(page).toHaveURL(/\/staff\/import$/);
  await page.getByLabel("名单文件（.xlsx 或 .csv，最大 20 MB）").setInputFiles({
    name: "补充名单.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: await rosterXlsx(newcomer.no, newcomer.name, newcomer.id),
  });
  await page.getByRole("button", { name: "上传并预览" }).click();
  await expect(page).toHaveURL(/\/staff\/import\/\d+$/);
  await expect(page.getByTestId("preview-summary")).toContainText("将新增 1 人");
  await expect(page.getByTestId("preview-summary")).toContainText("有错误的行 1 行");
  await expect(page.getByTestId("refused-rows")).toContainText("身份证号");
  await expect(page.getByTestId("added-rows")).toContainText(newcomer.no);
  const student = await browser.newContext(sameOrigin(testInfo.project.use.baseURL));
  const early = await student.request.post("/api/login", {
    form: { student_no: newcomer.no, password: newcomer.id.slice(-6) },
    headers: { accept: "application/json" },
  });
  expect(early.ok(), "not imported before the confirmation").toBeFalsy();
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByTestId("import-done").first()).toContainText("新增 1 人");

  // The dashboard: one more student waiting for review after the newcomer submits.
  await page.goto("/staff");
  const waiting = async () => {
    const text = (await page.getByTestId("dashboard-total").textContent()) ?? "";
    return Number(/待审核 (\d+) 人/.exec(text)?.[1]);
  };
  await expect(page.getByTestId("dashboard-total")).toContainText("待审核");
  const before = await waiting();
  await submitAsStudent(student.request, newcomer.no, newcomer.id.slice(-6), "office");
  await student.close();
  await page.reload();
  await expect(page.getByTestId("dashboard-total")).toContainText(`待审核 ${before + 1} 人`);
  await expect(page.locator("figure.chart svg").first()).toBeVisible();

  // The national export downloads; its codes are zero-padded text.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "导出生源信息（Excel）" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await readFile(await download.path()));
  const sheet = workbook.worksheets[0];
  const header = (sheet.getRow(1).values as string[]).slice(1);
  const col = (name: string) => header.indexOf(name) + 1;
  expect(col("民族代码")).toBeGreaterThan(0);
  for (const r of [2, 3]) {
    const row = sheet.getRow(r);
    expect(row.getCell(col("民族代码")).value).toMatch(/^\d{2}$/);
    expect(row.getCell(col("政治面貌代码")).value).toMatch(/^\d{2}$/);
    expect(row.getCell(col("生源所在地代码")).value).toMatch(/^\d{6}$/);
  }
  const rows: string[] = [];
  sheet.eachRow((row) => rows.push(String(row.getCell(1).value)));
  expect(rows).toContain(newcomer.no);
});
