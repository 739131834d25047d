// A small parser for git's unified diff output (`git diff` with a/ and b/
// prefixes): files, their hunks, and each line with its old and new line
// numbers, for the task screen's diff view.

export type DiffLineKind = 'context' | 'add' | 'del' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  oldNo: number | null;
  newNo: number | null;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export interface DiffFile {
  oldPath: string | null;
  newPath: string | null;
  /** The path to show: the new one, or the old one for a deletion. */
  path: string;
  binary: boolean;
  hunks: DiffHunk[];
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** `a/x`, `b/x`, `/dev/null`, or a quoted path with C escapes. */
function pathOf(raw: string, prefix: 'a/' | 'b/'): string | null {
  let p = raw.replace(/\t.*$/, '');
  if (p === '/dev/null') return null;
  if (p.startsWith('"') && p.endsWith('"')) p = unquote(p.slice(1, -1));
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

function unquote(s: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch !== '\\') {
      bytes.push(...enc.encode(ch));
      continue;
    }
    const next = s[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
      continue;
    }
    const simple: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', r: '\r', v: '\v' };
    bytes.push(...enc.encode(simple[next] ?? next));
    i += 1;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** `diff --git a/x b/x` → the new path, used until ---/+++ lines say better (binary files have none). */
function pathFromHeader(line: string): string {
  const rest = line.slice('diff --git '.length);
  const quoted = / "b\/(.*)"$/.exec(rest);
  if (quoted?.[1] !== undefined) return unquote(quoted[1]);
  const m = / b\/(.*)$/.exec(rest);
  return m?.[1] ?? rest;
}

export function parseUnifiedDiff(patch: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldNo = 0;
  let newNo = 0;
  const lines = patch.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      const path = pathFromHeader(line);
      file = { oldPath: path, newPath: path, path, binary: false, hunks: [] };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    if (!hunk) {
      if (line.startsWith('--- ')) file.oldPath = pathOf(line.slice(4), 'a/');
      else if (line.startsWith('+++ ')) {
        file.newPath = pathOf(line.slice(4), 'b/');
        file.path = file.newPath ?? file.oldPath ?? file.path;
      } else if (line.startsWith('new file mode')) file.oldPath = null;
      else if (line.startsWith('deleted file mode')) file.newPath = null;
      else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
    }
    const h = HUNK.exec(line);
    if (h) {
      oldNo = Number(h[1]);
      newNo = Number(h[2]);
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (!hunk) continue;
    const mark = line[0];
    const text = line.slice(1);
    if (mark === '+') hunk.lines.push({ kind: 'add', text, oldNo: null, newNo: newNo++ });
    else if (mark === '-') hunk.lines.push({ kind: 'del', text, oldNo: oldNo++, newNo: null });
    else if (mark === ' ' || line === '') hunk.lines.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++ });
    else if (mark === '\\') hunk.lines.push({ kind: 'note', text: line.slice(2), oldNo: null, newNo: null });
  }
  return files;
}
