// Component tests (jsdom): the screens load their markdown renderer and editor
// as lazy chunks, which on a busy two-core machine can take longer than
// Testing Library's default one second to arrive.
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5000 });
