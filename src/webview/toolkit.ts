// The one module that imports @vscode/webview-ui-toolkit (archived upstream, pinned): components are registered explicitly here.

import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
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
  for (const o of options) {
    const opt = document.createElement('vscode-option');
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    d.appendChild(opt);
  }
  return d;
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
