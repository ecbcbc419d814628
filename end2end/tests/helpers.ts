import { randomUUID } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

// Shared by the specs: a complete valid form, submitting through the server functions, logins.

export const validForm = {
  origin_code: "430104",
  training_mode: "1",
  sponsor_unit: "",
  normal_category: "2",
  urban_rural: "1",
  ethnicity: "01",
  political: "03",
  hardship: "0",
  mobile: "13912345678",
  email: "student@example.com",
  qq: "987654321",
  home_address: "湖南省长沙市岳麓区麓山南路2号",
  home_phone: "",
  postcode: "410082",
};

/** Options for a context whose API requests are sent like the page's own: with this site as their
 * `Origin` (the server refuses writes that carry neither `Origin` nor `Sec-Fetch-Site`). */
export function sameOrigin(baseURL: string | undefined) {
  return { baseURL, extraHTTPHeaders: { origin: new URL(baseURL ?? "http://127.0.0.1:3000").origin } };
}

/** A random save id in the form the page sends (32 hex digits). */
export function saveId() {
  return randomUUID().replaceAll("-", "");
}

/** A student submits through the same server functions the page uses. */
export async function submitAsStudent(request: APIRequestContext, no: string, password: string, _tag: string) {
  const call = async (endpoint: string, form: Record<string, string>) => {
    const res = await request.post(`/api/${endpoint}`, { form, headers: { accept: "application/json" } });
    expect(res.ok(), `${endpoint}: ${await res.text()}`).toBeTruthy();
    return res.json().catch(() => null);
  };
  await call("login", { student_no: no, password });
  const started = await call("start_verification", {});
  const status = started.verification.status;
  if (status === "Submitted") return;
  await call("save_verification", {
    ...validForm,
    intent: "submit",
    version: String(started.verification.version),
    submission_id: saveId(),
  });
}

export async function staffLogin(page: Page, username: string) {
  await page.goto("/staff/login");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill("E2e-Staff-Pass");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/staff$/);
}

