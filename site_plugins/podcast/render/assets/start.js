/* Set-up that runs on every page the listener sees. With mkdocs-material's instant navigation (and
   Zensical's) a link swaps the page's content without loading a new document and runs no script
   again; the theme's `document$` announces each page, the first included. Without it, once. */

export function onEveryPage(setUp) {
  const pages = window.document$;
  if (pages && typeof pages.subscribe === "function") {
    pages.subscribe(() => setUp());
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => setUp(), { once: true });
  } else {
    setUp();
  }
}
