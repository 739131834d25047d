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
