// The one module that imports @vscode/webview-ui-toolkit (archived upstream, pinned): components are registered explicitly here.

import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTag,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements we use; safe to call more than once. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeProgressRing(),
    vsCodeTag(),
  );
}

/** The toolkit's button element, as far as the panel uses it. */
export type ToolkitButton = HTMLElement & { disabled: boolean; appearance: 'primary' | 'secondary' | 'icon' };

export function button(label: string, appearance: 'primary' | 'secondary' = 'secondary'): ToolkitButton {
  const b = document.createElement('vscode-button') as ToolkitButton;
  b.textContent = label;
  b.setAttribute('appearance', appearance);
  return b;
}

/** A toolkit dropdown with the given options; `value` reads and writes the selection. */
export function dropdown(
  options: { value: string; label: string }[],
  ariaLabel: string,
): HTMLElement & { value: string } {
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.setAttribute('aria-label', ariaLabel);
  for (const o of options) d.appendChild(dropdownOption(o.value, o.label));
  return d;
}

function dropdownOption(value: string, label: string, selected = false): HTMLElement {
  const opt = document.createElement('vscode-option');
  opt.setAttribute('value', value);
  if (selected) opt.setAttribute('selected', '');
  opt.textContent = label;
  return opt;
}

/**
 * Replaces a dropdown's options and selects `selected`. The toolkit takes up new options asynchronously and
 * then selects the one marked `selected`, so the mark (not only `value`) carries the choice.
 */
export function setDropdownOptions(
  d: HTMLElement & { value: string },
  options: { value: string; label: string }[],
  selected: string | undefined,
): void {
  d.replaceChildren(...options.map((o) => dropdownOption(o.value, o.label, o.value === selected)));
  if (selected !== undefined) d.value = selected;
}

/**
 * Renames a dropdown's options (e.g. when the UI strings arrive) and refreshes the label it shows for the
 * selection, which the toolkit only recomputes when the selection changes. Emits no change event.
 */
export function relabelDropdown(d: HTMLElement & { value: string }, labels: Record<string, string>): void {
  let changed = false;
  for (const option of Array.from(d.querySelectorAll('vscode-option'))) {
    const label = labels[option.getAttribute('value') ?? ''];
    if (label !== undefined && option.textContent !== label) {
      option.textContent = label;
      changed = true;
    }
  }
  // FAST's Select recomputes its shown label (displayValue) only on a selection change; ask it to now.
  if (changed) (d as { updateDisplayValue?: () => void }).updateDisplayValue?.();
}

/** The toolkit's checkbox element; `checked` reads and writes it (a programmatic change also fires 'change'). */
export type ToolkitCheckbox = HTMLElement & { checked: boolean };

export function checkbox(label: string): ToolkitCheckbox {
  const c = document.createElement('vscode-checkbox') as ToolkitCheckbox;
  c.textContent = label;
  return c;
}

export function progressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}

export function divider(): HTMLElement {
  const d = document.createElement('vscode-divider');
  d.setAttribute('role', 'separator');
  return d;
}

export function badge(text: string): HTMLElement {
  const b = document.createElement('vscode-badge');
  b.textContent = text;
  return b;
}
