/* Keyboard: Space or K plays and pauses, ← or J goes back, → or L ahead — while the listener is
   listening, and never while typing in a field. */

import { SKIP_AHEAD, SKIP_BACK, keyCommand } from "./util.js";

const TYPING = "input, textarea, select, [contenteditable]:not([contenteditable='false'])";
const PRESSABLE = "button, a[href], summary, [role='button'], [role='link'], [role='checkbox'], [role='tab']";
const COMMANDS = {
  toggle: (dock) => dock.toggle(),
  back: (dock) => dock.skip(-SKIP_BACK),
  ahead: (dock) => dock.skip(SKIP_AHEAD)
};

function onKey(dock, event) {
  const command = keyCommand(event);
  if (!command || event.defaultPrevented || !dock.active()) return;
  const target = event.target instanceof Element ? event.target : null;
  if (target && (target.isContentEditable || target.closest(TYPING))) return;
  if (event.key === " " && target && target.closest(PRESSABLE)) return;  /* Space presses what has the focus */
  event.preventDefault();
  COMMANDS[command](dock);
}

export function listenForKeys(dock) {
  document.addEventListener("keydown", (event) => onKey(dock, event));
}
