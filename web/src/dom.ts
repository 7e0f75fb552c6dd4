// Building DOM without innerHTML, so text from the server is never parsed as markup.

type Child = Node | string | number | null | undefined | false;
export type Children = Child | Children[];
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === "class") {
      el.className = String(value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Children[]): void {
  for (const child of (children as Child[]).flat(Infinity as 1) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replace(el: Element, ...children: Children[]): void {
  clear(el);
  append(el, children);
}

// A short message at the bottom right that fades out.
export function toast(message: string, kind: "info" | "error" | "success" = "info"): void {
  let host = document.getElementById("toasts");
  if (!host) {
    host = h("div", { id: "toasts", "aria-live": "polite" });
    document.body.appendChild(host);
  }
  const el = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, message);
  host.appendChild(el);
  setTimeout(() => el.classList.add("toast-out"), 4000);
  setTimeout(() => el.remove(), 4500);
}

// A modal question; resolves true when confirmed. Enter confirms, Escape cancels.
export function confirmDialog(opts: {
  title: string;
  body: string;
  confirm: string;
  danger?: boolean;
  requireText?: string;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const input = opts.requireText
      ? h("input", { class: "input", type: "text", "aria-label": `Type ${opts.requireText} to confirm`, autocomplete: "off" })
      : null;
    const ok = h("button", { class: `btn ${opts.danger ? "btn-danger" : "btn-primary"}`, type: "submit" }, opts.confirm);
    const cancel = h("button", { class: "btn", type: "button" }, "Cancel");
    const form = h(
      "form",
      { class: "dialog", role: "dialog", "aria-modal": "true", "aria-label": opts.title },
      h("h2", {}, opts.title),
      h("p", {}, opts.body),
      input ? h("label", { class: "field" }, h("span", {}, `Type "${opts.requireText}" to confirm`), input) : null,
      h("div", { class: "dialog-buttons" }, cancel, ok),
    );
    const backdrop = h("div", { class: "backdrop" }, form);
    const done = (answer: boolean) => {
      backdrop.remove();
      document.removeEventListener("keydown", onKey, true);
      resolve(answer);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        done(false);
      }
    };
    if (input) {
      ok.disabled = true;
      input.addEventListener("input", () => (ok.disabled = input.value !== opts.requireText));
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!ok.disabled) done(true);
    });
    cancel.addEventListener("click", () => done(false));
    document.addEventListener("keydown", onKey, true);
    document.body.appendChild(backdrop);
    (input ?? ok).focus();
  });
}
