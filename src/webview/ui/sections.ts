// Collapsible panel sections (Cursor, Training, Units, Lab) as native <details>: open by default, each one's
// open/closed choice remembered, so a first-time user sees a few labelled parts instead of one endless scroll.

import { el, setText } from '../dom';
import { WebviewState, t } from '../state';

export type SectionId = 'cursor' | 'training' | 'units' | 'lab';

/** Which sections the user closed (`false`) or opened (`true`); a section not named is open. */
export type SectionsOpen = Partial<Record<SectionId, boolean>>;

/** Whether a section starts open, from what was persisted (sections start open until the user closes one). */
export function sectionIsOpen(persisted: unknown, id: SectionId): boolean {
  if (typeof persisted !== 'object' || persisted === null) return true;
  return (persisted as Record<string, unknown>)[id] !== false;
}

/** The persisted choices with one section's new state. */
export function withSection(persisted: SectionsOpen, id: SectionId, open: boolean): SectionsOpen {
  return { ...persisted, [id]: open };
}

interface Part {
  readonly root: HTMLElement;
}

export class PanelSection {
  readonly root: HTMLDetailsElement;
  private readonly label = el('span', { class: 'panel-section-title' });

  /** `onToggle` hears each open/close by the user, after the browser has laid the section out anew. */
  constructor(
    readonly id: SectionId,
    private readonly title: string,
    private readonly parts: readonly Part[],
    open: boolean,
    onToggle: (id: SectionId, open: boolean) => void,
  ) {
    this.root = el(
      'details',
      { class: 'panel-section', 'data-section': id, 'data-testid': `section-${id}` },
      el('summary', {}, this.label),
      ...parts.map((p) => p.root),
    );
    this.root.open = open;
    this.root.addEventListener('toggle', () => onToggle(id, this.root.open));
  }

  /** Names itself in the UI language and hides while none of its parts has anything to show. Call after the parts. */
  update(state: WebviewState): void {
    setText(this.label, t(state, this.title));
    this.root.hidden = this.parts.every((p) => p.root.hidden);
  }
}
