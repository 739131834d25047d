// Component tests (jsdom): the screens load their markdown renderer and editor
// as lazy chunks, which on a busy two-core machine can take longer than
// Testing Library's default one second to arrive.
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5000 });

// jsdom has no ResizeObserver; Radix measures its checkboxes and popups with one.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
// Radix Select and DropdownMenu call pointer-capture and scrolling methods
// jsdom does not implement.
if (!Element.prototype.hasPointerCapture) Element.prototype.hasPointerCapture = () => false;
if (!Element.prototype.releasePointerCapture) Element.prototype.releasePointerCapture = () => undefined;
if (!Element.prototype.setPointerCapture) Element.prototype.setPointerCapture = () => undefined;
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => undefined;
