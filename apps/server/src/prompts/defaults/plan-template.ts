// The default plan template (docs/behaviour/agents.md#plan-template): the sections every plan has. Agents read
// it verbatim from disk (PromptStore.templatePath); it is never rendered.

export const PLAN_TEMPLATE = `# Plan

<!-- Follow this template section for section, in this order, with these headings.
     Replace every italic placeholder; keep no placeholder text in the finished plan. -->

## Original Request

> _The task document's content before planning, quoted verbatim: every line prefixed with
> \`> \`, nothing summarised, corrected or reformatted._

## Overview

_What will change and why, in a few short paragraphs. The decisions taken and the reason for
each. Anything out of scope, and anything that only a human can do._

## Implementation Plan

### Phase 1 — _name_

- \`path/to/file\` — _what changes in it, and why_

### Phase 2 — _name_

- \`path/to/file\` — _what changes in it, and why_

_Add phases as needed, in the order they must be done._

## Testing Strategy

### Unit tests

- _Test file and the behaviour each new or changed test proves._

### Manual / browser scenarios

1. _Steps to follow and the result to expect. Any server uses the task's dev-server port._

_Or: why tests are not needed for this change._

## To-Do List

_Each item is small, verifiable, and doable by the implementation agent alone: no user
actions, no deployment, no git or pull-request work._

### Implementation

- [ ] _First implementation step_

### Testing

- [ ] _First test to write or scenario to run_

## Project Docs Update

_The documentation to add or change (README, docs folder, code comments), or "None"._

## Review Findings

_Not reviewed yet. The review agent replaces this section each time it reviews._
`;
