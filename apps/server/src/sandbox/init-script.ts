// The first program inside every sandbox: a fixed POSIX shell script (no
// user text is ever part of it) that opens the sandbox's only ways out — one
// socat per allowed loopback port, each relaying to a host-side socket in
// SANDBOX_NET_DIR — waits until they listen, then becomes the agent (`exec`).
// It reads what to open from the `forwards` file beside it: numbers only.
import { SANDBOX_NET_DIR } from './bwrap-args';

export const INIT_SCRIPT_NAME = 'init.sh';
export const FORWARDS_FILE_NAME = 'forwards';

/** Host socket a loopback port inside relays to. */
export const forwardSocketName = (port: number) => `tcp-${port}.sock`;
/** Socket inside that reaches a port the agent listens on (published to the host). */
export const publishSocketName = (port: number) => `pub-${port}.sock`;

export interface Forwards {
  /** Loopback ports inside the sandbox that relay to the host side. */
  inbound: readonly number[];
  /** Ports the agent listens on inside, reachable from the host through a socket. */
  published: readonly number[];
}

/** The `forwards` file: `tcp PORT HEXPORT` and `pub PORT` lines. */
export function forwardsFile(f: Forwards): string {
  const lines = f.inbound.map((p) => `tcp ${p} ${p.toString(16).toUpperCase().padStart(4, '0')}`);
  for (const p of f.published) lines.push(`pub ${p}`);
  return `${lines.join('\n')}\n`;
}

export const INIT_SCRIPT = `#!/bin/sh
# Written by Bottega. Opens the sandbox's network relays, waits for them, then runs the agent.
net=${SANDBOX_NET_DIR}
want=
socks=
while read -r kind port hex; do
  case "$kind" in
    tcp)
      socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$net/tcp-$port.sock" </dev/null >/dev/null 2>&1 &
      want="$want 0100007F:$hex" ;;
    pub)
      socat UNIX-LISTEN:"$net/pub-$port.sock",fork,unlink-early TCP:127.0.0.1:"$port" </dev/null >/dev/null 2>&1 &
      socks="$socks $net/pub-$port.sock" ;;
  esac
done < "$net/${FORWARDS_FILE_NAME}"
# Listening sockets show in /proc/net/tcp as "<local> 00000000:0000 0A". The file is read
# whole by cat: the shell's own read would take it a byte at a time, which procfs makes slow.
ready() {
  table=$(cat /proc/net/tcp)
  for w in $want; do
    case "$table" in
      *"$w 00000000:0000 0A"*) ;;
      *) return 1 ;;
    esac
  done
  for s in $socks; do [ -S "$s" ] || return 1; done
  return 0
}
n=0
until ready; do
  n=$((n + 1))
  if [ "$n" -gt 2000 ]; then
    echo "bottega sandbox: the network relays did not start (is socat installed?)" >&2
    exit 70
  fi
  # Let the relays have the CPU on a busy machine instead of spinning.
  [ "$n" -gt 3 ] && sleep 0.002
done
exec "$@"
`;
