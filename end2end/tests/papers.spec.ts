import { expect, test } from "@playwright/test";
import { writeFile } from "node:fs/promises";
import { staffLogin, sameOrigin } from "./helpers";

test("附件5 prints on A4 (screenshot and PDF kept with the test results)", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "the print view is one layout; once is enough");
  // The papers take the 届 and the school's name from the campaign (windows left open).
  const school = await page.context().browser()!.newContext(sameOrigin(testInfo.project.use.baseURL));
  await school.request.post("/api/staff_login", { form: { username: "e2e_school", password: "E2e-Staff-Pass" } });
  const saved = await school.request.post("/api/save_campaign", {
    data: { input: { cohort: "2023届", school_name: "湖南科技大学", student_opens_on: "", student_closes_on: "", review_opens_on: "", review_closes_on: "" } },
    headers: { accept: "application/json" },
  });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  await school.close();

  await staffLogin(page, "e2e_math");
  await page.goto("/staff/papers");
  const summary = page.getByTestId("paper-5").first();
  await expect(summary).toContainText("毕业生资格审核汇总表");
  await expect(summary).toContainText("本科生小计");
  await expect(summary).toContainText("研究生小计");
  await expect(page.getByTestId("paper-4").first()).toContainText("名预计本科毕业生");

  // As printed: navigation hidden, each paper on its own A4 page.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".topbar")).toBeHidden();
  await expect(summary).toContainText("湖南科技大学数学与计算科学学院2023届毕业生资格审核汇总表");
  // Compared with the reviewed image in papers.spec.ts-snapshots/ (same fonts on every run here).
  await expect(summary).toHaveScreenshot("附件5-print.png", { maxDiffPixelRatio: 0.01 });
  const png = await summary.screenshot();
  await testInfo.attach("附件5-print.png", { body: png, contentType: "image/png" });
  // Kept in end2end/test-results/ whether the test passes or not.
  await writeFile(testInfo.outputPath("附件5-print.png"), png);
  expect(png.length).toBeGreaterThan(5_000);
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  await testInfo.attach("附件4-附件5.pdf", { body: pdf, contentType: "application/pdf" });
  await writeFile(testInfo.outputPath("附件4-附件5.pdf"), pdf);
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  expect(pages, "附件4 and 附件5 each on their own page").toBe(2);
});
