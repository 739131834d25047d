// Reading what a full-screen terminal program printed: strips ANSI escape
// sequences and finds the sign-in URL and the OAuth token of `claude setup-token`.
/* eslint-disable no-control-regex -- terminal escape sequences are control characters */

const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const CURSOR_MOVE = /\x1b\[[0-9;?]*[CG]/g;
const CSI = /\x1b\[[0-9;?<>=]*[ -/]*[@-~]/g;
const OTHER_ESC = /\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]/g;
const OSC8_LINK = /\x1b\]8;[^;\x07\x1b]*;(https:\/\/[^\x07\x1b]+)(?:\x07|\x1b\\)/;
const PLAIN_URL = /https:\/\/[^\s"'<>`]+/;
const TOKEN = /sk-ant-oat[0-9A-Za-z_-]{20,}/;

/** The text a person would read: escapes removed, cursor jumps as spaces. */
export function stripAnsi(raw: string): string {
  return raw.replace(OSC, '').replace(CURSOR_MOVE, ' ').replace(CSI, '').replace(OTHER_ESC, '').replace(/\r/g, '');
}

/** The first https URL: from a terminal hyperlink when there is one (never wrapped), else from the text. */
export function findUrl(raw: string): string | null {
  const link = OSC8_LINK.exec(raw);
  if (link?.[1]) return link[1];
  return PLAIN_URL.exec(stripAnsi(raw))?.[0] ?? null;
}

/** The long-lived OAuth token `claude setup-token` prints at the end. */
export function findToken(raw: string): string | null {
  return TOKEN.exec(stripAnsi(raw))?.[0] ?? null;
}

/**
 * An error line `claude setup-token` shows after a failed code exchange (it
 * then waits for Enter to retry instead of exiting), e.g. "✘ OAuth error: …".
 */
export function findSignInError(raw: string): string | null {
  return /(?:OAuth error|Invalid code|Press Enter to retry)[^\n]*/i.exec(stripAnsi(raw))?.[0] ?? null;
}

/** The last lines of output for an error message, with anything token-like masked. */
export function outputTail(raw: string, lines = 3): string {
  return stripAnsi(raw)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(-lines)
    .join(' / ')
    .replace(/sk-ant-[0-9A-Za-z_-]+/g, '[redacted]')
    .slice(0, 500);
}
