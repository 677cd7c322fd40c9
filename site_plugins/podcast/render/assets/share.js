/* Share from here: the episode page's address at this second. */

import { element } from "./dom.js";
import { shareLink } from "./util.js";

/* Copy the link; where the clipboard cannot be used, show it selected in `note`, ready to copy by hand.
   `labels`: the page's (copied, copy_by_hand). */
export function share(url, seconds, note, labels) {
  copy(shareLink(url, seconds), note, labels, labels.copied);
}

/* The HTML that puts the episode's embed page on another site. */
export function embedCode(embedUrl, title) {
  const attribute = (text) => String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<iframe src="${attribute(embedUrl)}" title="${attribute(title)}" width="100%" height="160" ` +
    `style="border:0;max-width:640px" loading="lazy" allow="autoplay"></iframe>`;
}

export function copy(link, note, labels, said) {
  const done = () => {
    note.textContent = said;
    clearTimeout(note.timer);
    note.timer = setTimeout(() => { note.textContent = ""; }, 4000);
  };
  const byHand = () => {
    clearTimeout(note.timer);
    const field = element("input", { "type": "text", "readonly": "", "class": "gp-share-link", "value": link,
                                     "aria-label": labels.copy_by_hand });
    note.textContent = labels.copy_by_hand;
    note.appendChild(field);
    field.focus();
    field.select();
    field.addEventListener("blur", () => {
      note.timer = setTimeout(() => { note.textContent = ""; }, 1500);
    });
  };
  if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
    navigator.clipboard.writeText(link).then(done, byHand);
  } else {
    byHand();
  }
}
