// The panel's sections start open, and a section the user closed stays closed after a reload — whatever was saved.
import * as assert from 'node:assert/strict';
import { sectionIsOpen, withSection } from '../../../src/webview/ui/sections';

describe('panel sections', () => {
  it('are open until the user closes one', () => {
    assert.equal(sectionIsOpen(undefined, 'cursor'), true);
    assert.equal(sectionIsOpen({}, 'lab'), true);
    assert.equal(sectionIsOpen({ lab: false }, 'lab'), false);
    assert.equal(sectionIsOpen({ lab: false }, 'units'), true);
    assert.equal(sectionIsOpen({ lab: true }, 'lab'), true);
  });

  it('read anything malformed as open', () => {
    assert.equal(sectionIsOpen('closed', 'training'), true);
    assert.equal(sectionIsOpen(null, 'training'), true);
    assert.equal(sectionIsOpen({ training: 'no' }, 'training'), true);
  });

  it('remember one change and keep the others', () => {
    const closed = withSection({ units: false }, 'lab', false);
    assert.deepEqual(closed, { units: false, lab: false });
    assert.deepEqual(withSection(closed, 'units', true), { units: true, lab: false });
  });
});
