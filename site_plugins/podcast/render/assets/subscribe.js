/* The subscribe box's "copy" button: puts the feed's address on the clipboard for podcast apps that
   are not listed. Without JavaScript the address stays a read-only field the listener can select.
   Its words are the button's own (`data-copied`); one listener on the document serves every page
   instant navigation shows. */
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-gp-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.gpCopy);
  field.select();
  const done = () => { button.textContent = button.dataset.copied; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
  } else if (document.execCommand("copy")) {
    done();
  }
});
