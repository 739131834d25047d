// Prompts with instance-wide overrides (docs/behaviour/agents.md#prompt-overrides): `$home/prompts/<name>.md`
// (prompts) or `$home/templates/<name>.md` (templates) wins when present, else
// the shipped default. Saves use optimistic concurrency on the file's mtime.
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { PromptDetailDto, PromptSummaryDto } from '@bottega/protocol';
import { findPrompt, PROMPTS, type PromptDef, type PromptKind } from './registry';
import { variablesUsed } from './render';

/** The API's shapes (packages/protocol): a prompt in the list, and one prompt in full. */
export type PromptSummary = PromptSummaryDto;
export type PromptDetail = PromptDetailDto;

interface Override {
  content: string;
  mtime: number;
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export class PromptStore {
  readonly home: string;
  /** Saves and removals of one file run one after another (check-then-write stays whole). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(home: string) {
    this.home = home;
  }

  async list(): Promise<PromptSummary[]> {
    return Promise.all(PROMPTS.map(async (def) => ({ ...summary(def), customized: (await this.mtimeOf(def)) !== null })));
  }

  async read(name: string): Promise<PromptDetail> {
    const def = lookup(name);
    return detail(def, await this.readOverride(def));
  }

  /**
   * Writes an override. `expectedMtime` is the mtime the caller last read (null:
   * "I saw no override"); if the file changed since, nothing is written (409).
   */
  async save(name: string, content: string, expectedMtime: number | null): Promise<PromptDetail> {
    const def = lookup(name);
    if (def.kind === 'prompt') {
      const unknown = variablesUsed(content).filter((v) => !def.variables.includes(v));
      if (unknown.length > 0) {
        throw new AppError(
          'VALIDATION_FAILED',
          `unknown variable${unknown.length === 1 ? '' : 's'} ${unknown.map((v) => `{{${v}}}`).join(', ')}; ${def.name} may use ${def.variables.map((v) => `{{${v}}}`).join(', ')}`,
          { unknown, allowed: def.variables },
        );
      }
    }
    return this.serialized(def, async () => {
      const current = await this.mtimeOf(def);
      if (current !== expectedMtime) {
        throw new AppError('CONFLICT', `${def.name} was changed by someone else since you loaded it; reload it and apply your edit again`);
      }
      const path = this.overridePath(def);
      await mkdir(this.overrideDir(def.kind), { recursive: true });
      await writeFileAtomic(path, content, 0o644);
      // Coarse filesystem clocks can give two quick saves the same mtime; the
      // version a client holds must never match a newer file.
      const written = (await stat(path)).mtimeMs;
      if (current !== null && written <= current) {
        // A whole millisecond ahead (seconds in a double round by ~0.0003 ms today).
        const next = (current + 1) / 1000;
        await utimes(path, next, next);
      }
      return detail(def, await this.readOverride(def));
    });
  }

  /** Deletes the override (reverting to the default); no error when there is none. */
  async remove(name: string): Promise<PromptDetail> {
    const def = lookup(name);
    await this.serialized(def, () => rm(this.overridePath(def), { force: true }));
    return detail(def, null);
  }

  /** The effective content of a prompt or template: the override, else the default. */
  async resolve(name: string): Promise<string> {
    const def = lookup(name);
    return (await this.readOverride(def))?.content ?? def.defaultContent;
  }

  /**
   * An absolute path of a file holding the effective template, for agents to
   * read: the override if present, else the default written (and kept current)
   * under `$home/templates/.defaults/`.
   */
  async templatePath(name: string): Promise<string> {
    const def = lookup(name);
    if (def.kind !== 'template') throw new AppError('VALIDATION_FAILED', `${def.name} is a prompt, not a template`);
    if ((await this.mtimeOf(def)) !== null) return this.overridePath(def);
    const dir = join(this.overrideDir('template'), '.defaults');
    const path = join(dir, `${def.name}.md`);
    const existing = await readFile(path, 'utf8').catch((err: unknown) => {
      if (isMissing(err)) return null;
      throw err;
    });
    if (existing !== def.defaultContent) {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(path, def.defaultContent, 0o644);
    }
    return path;
  }

  private overrideDir(kind: PromptKind): string {
    return join(this.home, kind === 'prompt' ? 'prompts' : 'templates');
  }

  private overridePath(def: PromptDef): string {
    return join(this.overrideDir(def.kind), `${def.name}.md`);
  }

  private async mtimeOf(def: PromptDef): Promise<number | null> {
    try {
      return (await stat(this.overridePath(def))).mtimeMs;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /** Content and mtime read from one open file, so they always belong together. */
  private async readOverride(def: PromptDef): Promise<Override | null> {
    let fh;
    try {
      fh = await open(this.overridePath(def), 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    try {
      const { mtimeMs } = await fh.stat();
      return { content: await fh.readFile('utf8'), mtime: mtimeMs };
    } finally {
      await fh.close();
    }
  }

  private serialized<T>(def: PromptDef, work: () => Promise<T>): Promise<T> {
    const key = this.overridePath(def);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    // One entry per registry name at most, so the map never grows beyond it.
    // The caller gets `result` and its error; the queue only needs to know it is over.
    this.queues.set(
      key,
      result.catch(() => undefined),
    );
    return result;
  }
}

function lookup(name: string): PromptDef {
  const def = findPrompt(name);
  if (!def) throw new AppError('NOT_FOUND', `no prompt named ${JSON.stringify(name.slice(0, 100))}`);
  return def;
}

function summary(def: PromptDef): Omit<PromptSummary, 'customized'> {
  return { name: def.name, label: def.label, kind: def.kind };
}

function detail(def: PromptDef, override: Override | null): PromptDetail {
  return {
    ...summary(def),
    customized: override !== null,
    content: override?.content ?? def.defaultContent,
    defaultContent: def.defaultContent,
    variables: def.variables,
    mtime: override?.mtime ?? null,
  };
}

/** A store over `$home` (the routes keep one, so concurrent saves queue up). */
export function createPromptStore(home: string): PromptStore {
  return new PromptStore(home);
}
