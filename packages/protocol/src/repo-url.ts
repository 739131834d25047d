// Which repository URLs a project may be cloned from: https, http, ssh and
// the scp-like `user@host:path` form — never a local path, `file://`, a
// transport helper (`ext::…`, anything `x::y`), or text git could take for an
// option. Shared by the server (which refuses the rest with a 400) and the
// web form (which says why before sending).

/** Why `url` cannot be cloned from, or null when it is acceptable. */
export function cloneUrlProblem(url: string): string | null {
  if (url.length === 0) return 'enter a repository URL';
  if (url.length > 2048) return 'the URL is too long';
  if (url.startsWith('-')) return 'a URL cannot start with "-"';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f\\]/.test(url)) return 'the URL must not contain spaces, control characters or backslashes';
  if (url.includes('::')) return 'git transport helpers ("ext::", "x::…") are not allowed';
  const scp = /^([A-Za-z0-9._-]+)@([A-Za-z0-9][A-Za-z0-9.-]*):(.+)$/.exec(url);
  if (scp && !url.includes('://')) {
    const path = scp[3] ?? '';
    if (!/^[A-Za-z0-9._~/]/.test(path)) return 'the repository path after ":" is not valid';
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'use an https://, http://, ssh:// or git@host:owner/repo URL';
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh')
    return `"${scheme}" URLs are not allowed; use https://, http://, ssh:// or git@host:owner/repo`;
  if (!parsed.hostname || parsed.hostname.startsWith('-')) return 'the URL needs a host name';
  if (parsed.password)
    return 'do not put a password or token in the URL; the server clones public repositories or uses its own credentials';
  if (parsed.username && scheme !== 'ssh')
    return 'do not put credentials in the URL; the server clones public repositories or uses its own credentials';
  if (parsed.pathname === '/' || parsed.pathname === '') return 'the URL needs the repository path (owner/repo)';
  return null;
}

/** A folder name for a clone: the URL's last path segment without `.git`, lower-case `[a-z0-9._-]`. */
export function cloneFolderName(url: string): string {
  const last = url.replace(/[/]+$/, '').split(/[/:]/).pop() ?? '';
  const base = last
    .replace(/\.git$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 60);
  return base || 'repository';
}
