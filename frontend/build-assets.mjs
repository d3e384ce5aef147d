// `make assets`: builds portal/static/vendor/utrecht.css from the pinned NL Design System packages
// (package-lock.json). Only the components the portal uses, and only the design tokens they need.
// The result is committed: the server needs no Node.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const COMPONENTS = [
  "document", "page-body", "skip-link", "heading-1", "heading-2", "heading-3", "paragraph", "link",
  "unordered-list", "button", "form-field", "form-label", "form-field-description", "form-field-error-message",
  "form-fieldset", "textbox", "textarea", "select", "checkbox", "radio-button", "alert", "table",
];

const version = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
const componentCss = COMPONENTS.map((name) => {
  const pkg = `@utrecht/${name}-css`;
  return `/* ${pkg} ${version(pkg)} */\n` + readFileSync(require.resolve(`${pkg}/dist/index.css`), "utf8");
}).join("\n");

// The design tokens: keep a token when a component, the theme or the portal's own CSS uses it,
// and the tokens those tokens use in turn.
const tokenFile = readFileSync(require.resolve("@utrecht/design-tokens/dist/theme.css"), "utf8");
const tokens = new Map();
for (const match of tokenFile.matchAll(/^\s*(--[\w-]+):\s*([^;]+);/gm)) tokens.set(match[1], match[2]);
const used = (css) => [...css.matchAll(/var\(\s*(--[\w-]+)/g)].map((m) => m[1]);
const own = ["portal/static/theme.css", "portal/static/portal.css"].map((p) => readFileSync(join(root, p), "utf8"));
const keep = new Set();
const todo = [...used(componentCss), ...own.flatMap(used)];
while (todo.length) {
  const name = todo.pop();
  if (keep.has(name) || !tokens.has(name)) continue;
  keep.add(name);
  todo.push(...used(tokens.get(name)));
}
const tokenCss = ".utrecht-theme {\n" + [...keep].sort().map((n) => `  ${n}: ${tokens.get(n)};`).join("\n") + "\n}\n";

const header = `/* Built by \`make assets\` (frontend/build-assets.mjs) — do not edit; change portal/static/theme.css.
 * NL Design System: @utrecht/component-library-css ${version("@utrecht/component-library-css")},
 * @utrecht/design-tokens ${version("@utrecht/design-tokens")} (EUPL-1.2). */\n`;
mkdirSync(join(root, "portal/static/vendor"), { recursive: true });
const out = join(root, "portal/static/vendor/utrecht.css");
writeFileSync(out, header + `/* @utrecht/design-tokens: the tokens used */\n` + tokenCss + componentCss);
console.log(`${out}: ${COMPONENTS.length} components, ${keep.size} of ${tokens.size} tokens`);
