// Shell command lines the role brain sends through the Bash tool: quoting,
// writing a file byte for byte, committing with an explicit identity.

/** One POSIX single-quoted word. */
export function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `cd <dir> && command`, or the command alone when the directory is unknown. */
export function inDir(dir: string | undefined, command: string): string {
  return dir === undefined || dir.length === 0 ? command : `cd ${shq(dir)} && ${command}`;
}

/** Writes `content` to `path` exactly (no added newline), creating parent directories. */
export function writeFileCommand(path: string, content: string): string {
  const slash = path.lastIndexOf('/');
  const mkdir = slash > 0 ? `mkdir -p ${shq(path.slice(0, slash))} && ` : '';
  return `${mkdir}printf '%s' ${shq(content)} > ${shq(path)}`;
}

export function catCommand(path: string): string {
  return `cat ${shq(path)}`;
}

export interface GitIdentity {
  name: string;
  email: string;
}

/** Stages everything and commits it when anything is staged (CI machines have no git identity). */
export function commitAllCommand(identity: GitIdentity, message: string): string {
  const who = `-c user.name=${shq(identity.name)} -c user.email=${shq(identity.email)}`;
  return `git add -A && { git diff --cached --quiet || git ${who} commit -q -m ${shq(message)}; }`;
}

/**
 * Writes `content` to a temp file outside the worktree, runs `use(file)`, removes
 * the file and keeps the command's exit status. Plain `rm`: Codex's exec policy
 * refuses `rm -f` style commands outright.
 */
export function withTempFile(content: string, use: (fileRef: string) => string): string {
  return `f=$(mktemp) && printf '%s' ${shq(content)} > "$f" && { ${use('"$f"')}; s=$?; rm "$f"; [ "$s" -eq 0 ]; }`;
}
