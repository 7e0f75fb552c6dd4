// The sign-in screen.
import { ApiError, login } from "../api";
import { h } from "../dom";
import type { Page } from "./page";

export function loginPage(message: string, onDone: () => void): Page {
  const user = h("input", { class: "input", name: "username", id: "username", autocomplete: "username", required: true, autofocus: true });
  const pass = h("input", { class: "input", name: "password", id: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("div", { class: "form-error", role: "alert" }, message);
  const submit = h("button", { class: "btn btn-primary btn-block", type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "login-card" },
    h("div", { class: "brand big" }, h("span", { class: "brand-mark" }), "VIGIE"),
    h("p", { class: "muted" }, "City camera operations"),
    error,
    h("label", { class: "field", for: "username" }, h("span", {}, "User name"), user),
    h("label", { class: "field", for: "password" }, h("span", {}, "Password"), pass),
    submit,
    h("p", { class: "login-note" }, "Authorised staff only. Every decision is recorded with its author."),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    submit.textContent = "Signing in…";
    try {
      await login(user.value.trim(), pass.value);
      onDone();
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.status === 401 ? "Wrong user name or password." : err instanceof Error ? err.message : String(err);
      pass.value = "";
      pass.focus();
      submit.disabled = false;
      submit.textContent = "Sign in";
    }
  });
  setTimeout(() => user.focus());
  return { element: h("div", { class: "login-page" }, form), title: "Sign in" };
}
