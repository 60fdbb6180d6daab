// The header: which document the panel follows, where the cursor is, and the text just before it.

import { el, setText } from '../dom';
import { WebviewState, t } from '../state';
import { DrawnFrom } from '../ui/drawnFrom';

export class DocumentView {
  readonly root: HTMLElement;
  private readonly name = el('span', { class: 'doc-name', 'data-testid': 'doc-name' });
  private readonly meta = el('span', { class: 'doc-meta', 'data-testid': 'doc-meta' });
  private readonly position = el('span', { class: 'cursor-position', 'data-testid': 'cursor-position' });
  private readonly offset = el('span', { class: 'cursor-offset', 'data-testid': 'cursor-offset' });
  private readonly offsetLabel = el('span', { class: 'label' });
  private readonly contextLabel = el('div', { class: 'label', id: 'context-label' });
  private readonly context = el('div', {
    class: 'context-text',
    'data-testid': 'context',
    role: 'textbox',
    'aria-readonly': 'true',
    'aria-labelledby': 'context-label',
  });
  private readonly empty = el('p', { class: 'empty', 'data-testid': 'empty' });
  private readonly inputs = new DrawnFrom();

  constructor() {
    this.root = el(
      'section',
      { class: 'document-view', 'aria-label': 'Document' },
      el('div', { class: 'doc-line' }, this.name, this.meta),
      el(
        'div',
        { class: 'cursor-line' },
        this.position,
        el('span', { class: 'sep' }, '·'),
        this.offsetLabel,
        this.offset,
      ),
      this.contextLabel,
      this.context,
      this.empty,
    );
  }

  update(state: WebviewState): void {
    const { document: doc, cursor, strings } = state;
    if (!this.inputs.changed({ doc, cursor, strings })) return;
    this.root.classList.toggle('no-document', !doc);
    setText(this.empty, doc ? '' : t(state, 'Open a text document and run "LSTM Lens: Open Explorer".'));
    setText(this.name, doc ? doc.fileName : t(state, 'No document'));
    setText(
      this.meta,
      doc
        ? `${doc.languageId} · ${doc.length.toLocaleString()} ${t(state, 'characters')} · ${doc.lineCount} ${t(state, 'lines')}`
        : '',
    );
    setText(this.offsetLabel, `${t(state, 'Offset')} `);
    setText(this.contextLabel, t(state, 'Context before the cursor'));
    if (cursor) {
      setText(this.position, `Ln ${cursor.line + 1}, Col ${cursor.character + 1}`);
      setText(this.offset, String(cursor.offset));
      setText(this.context, cursor.before); // literal document text, shown as data
    } else {
      setText(this.position, '');
      setText(this.offset, '');
      setText(this.context, '');
    }
  }
}
