// Reads a password for CLI commands: a hidden prompt on a terminal, else the
// first line of standard input (for scripts: `echo "$PW" | bottega user …`).
import { createInterface } from 'node:readline';

export async function readPasswordFromStdin(): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return null;
}

export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stdout.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stdout.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** A new password from a terminal (asked twice) or from stdin. */
export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const line = await readPasswordFromStdin();
    if (!line) throw new Error('no password on standard input');
    return line;
  }
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}
