import { expect, request as apiRequest, test, type APIRequestContext, type BrowserContext, type Page, type Route } from "@playwright/test";
import { staffLogin, sameOrigin, saveId } from "./helpers";

// Offline drafts on a phone: the browser's offline emulation, the service worker serving the page,
// the queue sent once when the network returns, a conflict settled field by field, and 退出
// clearing what the browser kept. Students 2019040003–5 (软件1902) are used only here.

// A panic in the page's WASM stops it for good: any is a failure.
const panics: string[] = [];
test.beforeEach(({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "phone", "offline use is a phone's problem; once is enough");
  panics.length = 0;
  page.on("console", (m) => {
    if (m.type() === "error" && m.text().includes("panicked")) panics.push(m.text());
  });
});
test.afterEach(() => {
  expect(panics, "no panic in the page").toEqual([]);
});

// Chromium's offline emulation does not reach a service worker's own fetches: those are failed
// here as well (PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS, set in playwright.config.ts).
let workerRequestsFailed = 0;
async function failWorkerRequests(route: Route) {
  if (route.request().serviceWorker()) {
    workerRequestsFailed += 1;
    return route.abort("internetdisconnected");
  }
  return route.continue();
}
async function goOffline(context: BrowserContext) {
  await context.setOffline(true);
  await context.route("**", failWorkerRequests);
}
async function goOnline(context: BrowserContext) {
  await context.unroute("**", failWorkerRequests);
  await context.setOffline(false);
}

async function login(page: Page, no: string, password: string) {
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("学号").fill(no);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/student$/);
  await page.waitForLoadState("networkidle");
}

/** Waits until the service worker has saved this page as the server has it now (no reload: a
 *  student who arrived by logging in never loaded the page whole). */
async function savedForOffline(page: Page, started: boolean) {
  await page.waitForFunction(async (started) => {
    await navigator.serviceWorker.ready;
    const saved = await caches.match("/student");
    return !!saved && (await saved.text()).includes(started ? "保存草稿" : "开始核验");
  }, started);
}

/** Waits until the service worker controls the page, then loads the page once through it. */
async function throughServiceWorker(page: Page) {
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  });
  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "生源信息" })).toBeVisible();
}

/** The server's view of a student, through a session of their own. */
async function serverInfo(baseURL: string, no: string, password: string) {
  const api = await apiRequest.newContext(sameOrigin(baseURL));
  try {
    const login = await api.post("/api/login", { form: { student_no: no, password } });
    expect(login.ok(), await login.text()).toBeTruthy();
    const info = await api.post("/api/my_info", { headers: { accept: "application/json" } });
    expect(info.ok(), await info.text()).toBeTruthy();
    return await info.json();
  } finally {
    await api.dispose();
  }
}

/** How often the student's history shows an action, as the college sees it. */
async function historyCount(staff: APIRequestContext, no: string, action: string) {
  const queue = await staff.post("/api/review_queue", {
    form: { filter: `status=all&q=${no}` },
    headers: { accept: "application/json" },
  });
  expect(queue.ok(), await queue.text()).toBeTruthy();
  const id = (await queue.json()).rows[0].student_id;
  const detail = await staff.post("/api/review_detail", {
    form: { student_id: String(id) },
    headers: { accept: "application/json" },
  });
  expect(detail.ok(), await detail.text()).toBeTruthy();
  const review = await detail.json();
  return { review, count: review.history.filter((h: { action: string }) => h.action === action).length };
}

async function staffApi(baseURL: string) {
  const api = await apiRequest.newContext(sameOrigin(baseURL));
  const login = await api.post("/api/staff_login", { form: { username: "e2e_cs", password: "E2e-Staff-Pass" } });
  expect(login.ok(), await login.text()).toBeTruthy();
  return api;
}

test("offline: half the form, offline, the rest, 提交核验, reload offline, online → submitted once", async ({ page, context }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  const no = "2019040003";
  const password = "070138";
  await login(page, no, password);
  await page.getByRole("button", { name: "开始核验" }).click();
  await expect(page.getByRole("button", { name: "保存草稿" })).toBeVisible();
  await savedForOffline(page, true);

  // Half the form, online: kept in the browser as it is typed.
  await page.getByLabel("手机号码").fill("13911110003");
  await page.getByLabel("电子邮箱").fill("offline@example.com");
  await expect(page.getByTestId("sync")).toContainText("草稿已保存在本机");

  // The network goes.
  await goOffline(context);
  await expect(page.getByTestId("offline")).toBeVisible();
  await page.getByLabel("家庭地址").fill("湖南省株洲市荷塘区红旗路1号");
  await page.getByLabel("邮编").fill("412000");
  await page.getByLabel("困难生类别").selectOption({ label: "非困难生" });
  // Another city: its districts come from the division list the worker keeps.
  await page.getByLabel("城市").selectOption({ label: "株洲市" });
  await page.getByLabel("区县").selectOption({ label: "荷塘区" });
  await page.getByRole("button", { name: "提交核验" }).click();
  await expect(page.getByTestId("pending")).toContainText("待发送：提交核验");
  await expect(page.getByRole("status").filter({ hasText: "已保存在本机并排队" })).toBeVisible();

  // Reload with no network: the worker serves the page, the draft and the queued submit are back.
  const reloaded = await page.reload();
  expect(reloaded?.fromServiceWorker(), "the page came from the service worker").toBeTruthy();
  await expect(page.getByTestId("pending")).toContainText("待发送：提交核验");
  await expect(page.getByLabel("家庭地址")).toHaveValue("湖南省株洲市荷塘区红旗路1号");
  await expect(page.getByLabel("手机号码")).toHaveValue("13911110003");
  await expect(page.getByLabel("区县")).toHaveValue("430202");
  expect(workerRequestsFailed, "the worker really had no network").toBeGreaterThan(0);
  // Nothing reached the server yet.
  const before = await serverInfo(baseURL, no, password);
  expect(before.verification.status).toBe("Unverified");
  expect(before.verification.values.home_address).toBe("");

  // The network returns: the submit goes out by itself.
  await goOnline(context);
  await expect(page.getByTestId("offline")).toBeHidden();
  await expect(page.getByTestId("status-badge").first()).toHaveText("学生已核");
  await expect(page.getByTestId("pending")).toHaveCount(0);
  await expect(page.getByTestId("sync")).toContainText("已同步到服务器");

  const after = await serverInfo(baseURL, no, password);
  expect(after.verification.status).toBe("Submitted");
  expect(after.verification.values.home_address).toBe("湖南省株洲市荷塘区红旗路1号");
  expect(after.verification.values.origin_code).toBe("430202");
  expect(after.verification.values.mobile).toBe("13911110003");
  const staff = await staffApi(baseURL);
  expect((await historyCount(staff, no, "提交核验")).count, "submitted exactly once").toBe(1);
  // A reload sends nothing again.
  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("pending")).toHaveCount(0);
  expect((await historyCount(staff, no, "提交核验")).count).toBe(1);
  await staff.dispose();
});

test("conflict: the college and another device change things while the phone is offline", async ({ page, context }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  const no = "2019040004";
  const password = "080223";
  await login(page, no, password);
  await page.getByRole("button", { name: "开始核验" }).click();
  await expect(page.getByRole("button", { name: "保存草稿" })).toBeVisible();

  await goOffline(context);
  await page.getByLabel("手机号码").fill("13911110004");
  await page.getByLabel("家庭地址").fill("湖南省长沙市岳麓区1号");
  await page.getByLabel("邮编").fill("410000");
  await page.getByLabel("困难生类别").selectOption({ label: "非困难生" });
  await page.getByRole("button", { name: "提交核验" }).click();
  await expect(page.getByTestId("pending")).toContainText("待发送：提交核验");

  // Meanwhile the counselor corrects a 学籍 field…
  const staff = await staffApi(baseURL);
  const { review } = await historyCount(staff, no, "开始核验");
  const edited = await staff.post("/api/update_record", {
    data: { student_id: review.student_id, version: review.record_version, record: { ...review.record, major_direction: "软件测试" } },
    headers: { accept: "application/json" },
  });
  expect(edited.ok(), await edited.text()).toBeTruthy();
  // …and the student saves another mobile number on a second device.
  const laptop = await apiRequest.newContext(sameOrigin(baseURL));
  await laptop.post("/api/login", { form: { student_no: no, password } });
  const info = await (await laptop.post("/api/my_info", { headers: { accept: "application/json" } })).json();
  const saved = await laptop.post("/api/save_verification", {
    form: { ...info.verification.values, mobile: "13922220004", intent: "draft", version: String(info.verification.version), submission_id: saveId() },
    headers: { accept: "application/json" },
  });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  await laptop.dispose();

  // Back online: nothing is overwritten; both versions are shown.
  await goOnline(context);
  const card = page.getByTestId("conflict");
  await expect(card).toBeVisible();
  await expect(card).toContainText("专业方向");
  await expect(card).toContainText("软件测试");
  const mobile = card.locator('[data-field="mobile"]');
  await expect(mobile).toContainText("13922220004");
  await expect(mobile).toContainText("13911110004");
  expect((await serverInfo(baseURL, no, password)).verification.status).toBe("Unverified");
  // A reload keeps the question open (the draft remembers what it was typed against).
  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("conflict")).toBeVisible();

  // The student keeps this phone's number and sends.
  await page.getByTestId("conflict").locator('[data-field="mobile"]').getByText("本机草稿").click();
  await page.getByRole("button", { name: "确认并继续发送" }).click();
  await expect(page.getByTestId("status-badge").first()).toHaveText("学生已核");
  const after = await serverInfo(baseURL, no, password);
  expect(after.verification.status).toBe("Submitted");
  expect(after.verification.values.mobile).toBe("13911110004");
  expect(after.verification.values.home_address).toBe("湖南省长沙市岳麓区1号");
  expect(after.record.major_direction).toBe("软件测试");
  expect((await historyCount(staff, no, "提交核验")).count).toBe(1);
  await staff.dispose();
});

test("退出 removes this student's drafts and saved pages from a shared computer", async ({ page }) => {
  const no = "2019040005";
  await login(page, no, "090343");
  await page.getByRole("button", { name: "开始核验" }).click();
  await expect(page.getByRole("button", { name: "保存草稿" })).toBeVisible();
  await throughServiceWorker(page);
  await page.getByLabel("家庭地址").fill("湖南省长沙市芙蓉区实验楼");
  await expect(page.getByTestId("sync")).toContainText("草稿已保存在本机");
  const kept = () =>
    page.evaluate(async () => ({
      keys: Object.keys(localStorage).filter((k) => k.startsWith("shengyuan:")),
      pages: (await caches.keys()).filter((k) => k.startsWith("shengyuan-pages")).length,
      stored: JSON.stringify(localStorage),
    }));
  const before = await kept();
  expect(before.keys).toEqual([`shengyuan:draft:${no}`]);
  expect(before.stored).toContain("实验楼");
  expect(before.pages).toBe(1);

  await page.getByRole("button", { name: "退出" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("cleared")).toContainText("已清除本机保存的草稿（1 份）");
  const after = await kept();
  expect(after.keys).toEqual([]);
  expect(after.stored).not.toContain("实验楼");
  expect(after.pages).toBe(0);
});

test("a rule failure (the window closed) is shown and the draft stays in the browser", async ({ page, browser }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  const no = "2019040005";
  await login(page, no, "090343");
  await expect(page.getByRole("button", { name: "保存草稿" })).toBeVisible();
  await page.getByLabel("家庭地址").fill("湖南省长沙市芙蓉区窗口楼");
  await page.getByLabel("邮编").fill("410011");
  await page.getByLabel("困难生类别").selectOption({ label: "非困难生" });
  await expect(page.getByTestId("sync")).toContainText("草稿已保存在本机");

  // The office closes the students' window (yesterday) while the form is open.
  const school = await browser.newContext(sameOrigin(baseURL));
  await school.request.post("/api/staff_login", { form: { username: "e2e_school", password: "E2e-Staff-Pass" } });
  const campaign = await (await school.request.post("/api/load_campaign", { headers: { accept: "application/json" } })).json();
  const c = campaign.campaign;
  const input = (opens: string, closes: string) => ({
    cohort: c.cohort,
    school_name: c.school_name,
    student_opens_on: opens,
    student_closes_on: closes,
    review_opens_on: c.review.opens_on ?? "",
    review_closes_on: c.review.closes_on ?? "",
  });
  const save = async (opens: string, closes: string) => {
    const saved = await school.request.post("/api/save_campaign", {
      data: { input: input(opens, closes) },
      headers: { accept: "application/json" },
    });
    expect(saved.ok(), await saved.text()).toBeTruthy();
  };
  try {
    await save("2020-01-01", "2020-01-31");
    await page.getByRole("button", { name: "提交核验" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "提交核验未成功" })).toContainText("截止");
    await expect(page.getByTestId("pending")).toHaveCount(0);
    // Nothing typed is lost: after a reload the draft is back.
    await page.reload();
    await page.waitForLoadState("networkidle");
    await expect(page.getByLabel("家庭地址")).toHaveValue("湖南省长沙市芙蓉区窗口楼");
    await expect(page.getByRole("status").filter({ hasText: "已恢复本机保存的草稿" })).toBeVisible();
  } finally {
    await save(c.students.opens_on ?? "", c.students.closes_on ?? "");
    await school.close();
  }
  expect((await serverInfo(baseURL, no, "090343")).verification.values.home_address).not.toContain("窗口楼");
});
