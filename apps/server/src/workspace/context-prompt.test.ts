// Tests for the context prompt block: it must name the document, the input
// files and the per-task testing configuration.
import { describe, expect, it } from 'vitest';
import { buildContextPrompt } from './context-prompt';

const base = {
  taskId: 42,
  documentPath: '/srv/bottega-home/projects/1/tasks/task-42.md',
  devServerPort: 3142,
  cwd: '/code/shop-worktrees/task-42',
};

describe('buildContextPrompt', () => {
  it('names the task document as the authoritative source, to read in full first', () => {
    const p = buildContextPrompt({ ...base, inputFiles: [] });
    expect(p).toContain('`/srv/bottega-home/projects/1/tasks/task-42.md`');
    expect(p).toMatch(/authoritative/i);
    expect(p).toMatch(/read it in full before/i);
    expect(p).toMatch(/do not look for the task anywhere else/i);
  });

  it('lists every input file, or says there are none', () => {
    const files = ['/a/input_files/spec.pdf', '/a/input_files/mock up.png'];
    const withFiles = buildContextPrompt({ ...base, inputFiles: files });
    for (const f of files) expect(withFiles).toContain(`- \`${f}\``);
    expect(withFiles).not.toMatch(/no input files/);
    expect(buildContextPrompt({ ...base, inputFiles: [] })).toMatch(/no input files/);
  });

  it('names the files attached in chat to the worktree tmp/ folder, and only when there are some', () => {
    const tmp = ['/code/shop-worktrees/task-42/tmp/log.txt'];
    const p = buildContextPrompt({ ...base, inputFiles: [], tmpFiles: tmp });
    expect(p).toContain('- `/code/shop-worktrees/task-42/tmp/log.txt`');
    expect(p).toMatch(/never commit them/);
    expect(buildContextPrompt({ ...base, inputFiles: [], tmpFiles: [] })).not.toContain('tmp/');
    expect(buildContextPrompt({ ...base, inputFiles: [] })).not.toContain('tmp/');
  });

  it('gives the testing configuration: task id, port, loopback, hands off other tasks', () => {
    const p = buildContextPrompt({ ...base, inputFiles: [] });
    expect(p).toContain('Task id: 42');
    expect(p).toContain('PORT=3142');
    expect(p).toContain('127.0.0.1');
    expect(p).toMatch(/never stop, kill/i);
    expect(p).toMatch(/stop every server/i);
    expect(p).toContain(base.cwd);
  });

  it('is deterministic', () => {
    const input = { ...base, inputFiles: ['/x'] };
    expect(buildContextPrompt(input)).toBe(buildContextPrompt(input));
  });
});
