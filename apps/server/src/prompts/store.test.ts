// The prompt store on a real temp directory: overrides win on presence, saves
// are guarded by mtime and by the allowed variables, deletes revert, and the
// plan template is always readable from disk.
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { findPrompt, PROMPTS } from './registry';
import { PromptStore } from './store';

let home: string;
let store: PromptStore;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-prompts-'));
  store = new PromptStore(home);
});
afterEach(async () => rm(home, { recursive: true, force: true }));

const defaultOf = (name: string) => findPrompt(name)?.defaultContent ?? '';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('reading', () => {
  it('lists every prompt, none customized at first', async () => {
    const list = await store.list();
    expect(list.map((p) => p.name)).toEqual(PROMPTS.map((p) => p.name));
    expect(list.every((p) => !p.customized)).toBe(true);
    expect(list.find((p) => p.name === 'plan-template')).toEqual({
      name: 'plan-template',
      label: 'Plan template',
      kind: 'template',
      customized: false,
    });
  });

  it('reads the default when there is no override', async () => {
    const review = await store.read('review');
    expect(review).toMatchObject({
      name: 'review',
      kind: 'prompt',
      customized: false,
      mtime: null,
      content: defaultOf('review'),
      defaultContent: defaultOf('review'),
    });
    expect(review.variables).toContain('signalCommand');
    expect(await store.resolve('review')).toBe(defaultOf('review'));
  });

  it('lets an override file win on presence, prompts and templates each in their directory', async () => {
    await mkdir(join(home, 'prompts'), { recursive: true });
    await mkdir(join(home, 'templates'), { recursive: true });
    await writeFile(join(home, 'prompts', 'review.md'), 'custom review {{taskId}}');
    await writeFile(join(home, 'templates', 'plan-template.md'), '# my plan');
    await writeFile(join(home, 'templates', 'review.md'), 'wrong directory: ignored');

    const review = await store.read('review');
    expect(review).toMatchObject({ customized: true, content: 'custom review {{taskId}}', defaultContent: defaultOf('review') });
    expect(review.mtime).toBe((await stat(join(home, 'prompts', 'review.md'))).mtimeMs);
    expect(await store.resolve('review')).toBe('custom review {{taskId}}');
    expect(await store.resolve('plan-template')).toBe('# my plan');
    const customized = (await store.list()).filter((p) => p.customized).map((p) => p.name);
    expect(customized).toEqual(['review', 'plan-template']);
  });

  it('answers 404 for a name that is not in the registry', async () => {
    const calls = [
      () => store.read('nope'),
      () => store.resolve('../secrets'),
      () => store.save('nope', 'x', null),
      () => store.remove('nope'),
      () => store.templatePath('nope'),
    ];
    for (const call of calls) expect((await rejection(call())).code).toBe('NOT_FOUND');
  });
});

describe('saving', () => {
  it('creates, then updates with the mtime it was given, and the file holds the content', async () => {
    const first = await store.save('implementation', 'v1 {{ taskTitle }}', null);
    expect(first).toMatchObject({ customized: true, content: 'v1 {{ taskTitle }}' });
    expect(typeof first.mtime).toBe('number');
    const second = await store.save('implementation', 'v2', first.mtime);
    expect(second.content).toBe('v2');
    expect(second.mtime).not.toBe(first.mtime);
    expect(await readFile(join(home, 'prompts', 'implementation.md'), 'utf8')).toBe('v2');
  });

  it('refuses a stale mtime with 409 and writes nothing', async () => {
    const first = await store.save('review', 'v1', null);
    await store.save('review', 'v2', first.mtime);
    const stale = await rejection(store.save('review', 'v3', first.mtime));
    expect(stale.code).toBe('CONFLICT');
    expect((await rejection(store.save('review', 'v3', null))).code).toBe('CONFLICT');
    expect(await store.resolve('review')).toBe('v2');
  });

  it('moves the mtime forward on every save, even past a file dated in the future', async () => {
    const first = await store.save('review', 'v1', null);
    const future = Date.now() / 1000 + 3600;
    await utimes(join(home, 'prompts', 'review.md'), future, future);
    const dated = (await store.read('review')).mtime ?? 0;
    const second = await store.save('review', 'v2', dated);
    expect(second.mtime).toBeGreaterThan(dated);
    expect((await rejection(store.save('review', 'v3', dated))).code).toBe('CONFLICT');
    expect((await rejection(store.save('review', 'v3', first.mtime))).code).toBe('CONFLICT');
  });

  it('refuses a non-null mtime when no override exists (it was reverted meanwhile)', async () => {
    expect((await rejection(store.save('review', 'v1', 1234))).code).toBe('CONFLICT');
    expect((await store.read('review')).customized).toBe(false);
  });

  it('lets exactly one of two concurrent saves from the same version win', async () => {
    const results = await Promise.allSettled([store.save('pr', 'a', null), store.save('pr', 'b', null)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected');
    expect((failed?.reason as AppError).code).toBe('CONFLICT');
  });

  it('rejects a variable the prompt may not use with 400, naming it, and writes nothing', async () => {
    const err = await rejection(store.save('implementation', 'hi {{taskId}} {{feedback}} {{ bogus }}', null));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.message).toContain('{{feedback}}');
    expect(err.message).toContain('{{bogus}}');
    expect(err.details).toMatchObject({ unknown: ['feedback', 'bogus'] });
    expect((await store.read('implementation')).customized).toBe(false);
    // The same variable is fine where the role has it.
    await expect(store.save('pr-feedback', 'address {{feedback}}', null)).resolves.toMatchObject({ customized: true });
  });

  it('does not check variables in templates, which are never rendered', async () => {
    const saved = await store.save('plan-template', '# Plan for {{anything}}', null);
    expect(saved).toMatchObject({ kind: 'template', customized: true, variables: [] });
    expect(await readFile(join(home, 'templates', 'plan-template.md'), 'utf8')).toBe('# Plan for {{anything}}');
  });
});

describe('removing', () => {
  it('reverts to the default, and is quiet when there is nothing to remove', async () => {
    await store.save('yolo', 'custom', null);
    const reverted = await store.remove('yolo');
    expect(reverted).toMatchObject({ customized: false, mtime: null, content: defaultOf('yolo') });
    expect(await store.resolve('yolo')).toBe(defaultOf('yolo'));
    await expect(store.remove('yolo')).resolves.toMatchObject({ customized: false });
    // After a revert, a save from "no override" succeeds again.
    await expect(store.save('yolo', 'again', null)).resolves.toMatchObject({ content: 'again' });
  });
});

describe('templatePath', () => {
  it('writes the default to a file once and keeps it current', async () => {
    const path = await store.templatePath('plan-template');
    expect(path).toBe(join(home, 'templates', '.defaults', 'plan-template.md'));
    expect(await readFile(path, 'utf8')).toBe(defaultOf('plan-template'));
    const { mtimeMs } = await stat(path);
    expect(await store.templatePath('plan-template')).toBe(path);
    expect((await stat(path)).mtimeMs).toBe(mtimeMs);
    // A stale copy (an older version of the app) is replaced.
    await writeFile(path, 'old default');
    await store.templatePath('plan-template');
    expect(await readFile(path, 'utf8')).toBe(defaultOf('plan-template'));
    expect((await store.read('plan-template')).customized).toBe(false);
  });

  it('points at the override when there is one', async () => {
    await store.save('plan-template', '# ours', null);
    const path = await store.templatePath('plan-template');
    expect(path).toBe(join(home, 'templates', 'plan-template.md'));
    expect(await readFile(path, 'utf8')).toBe('# ours');
  });

  it('is only for templates', async () => {
    expect((await rejection(store.templatePath('review'))).code).toBe('VALIDATION_FAILED');
  });
});
