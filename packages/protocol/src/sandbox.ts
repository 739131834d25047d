// The agent sandbox's part of the API: its state for Admin → Instance, and the
// per-project list of extra hosts an administrator lets that project's agents
// reach (package registries and the like) beside their model endpoint and GitHub.
import { z } from 'zod';
import { singleLine } from './text';

/** `host`, `host:port` or `*.domain[:port]`, lower case; without a port it allows 80 and 443. */
export const AllowedHost = singleLine(z.string()).pipe(
  z
    .string()
    .trim()
    .toLowerCase()
    .max(260)
    .regex(
      /^(\*\.)?[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:([1-9][0-9]{0,4}))?$/,
      'a host name such as registry.npmjs.org, *.pypi.org or mirror.example.com:8443',
    )
    .refine((h) => {
      const port = /:(\d+)$/.exec(h)?.[1];
      return port === undefined || Number(port) <= 65_535;
    }, 'the port must be at most 65535'),
);

export const PutAllowedHostsBody = z.object({ hosts: z.array(AllowedHost).max(100) }).strict();
export type PutAllowedHostsBody = z.infer<typeof PutAllowedHostsBody>;

export interface AllowedHostsDto {
  projectId: number;
  hosts: string[];
}

export interface SandboxStatusDto {
  mode: 'auto' | 'required' | 'off';
  /** Whether agents start confined on this server. */
  confined: boolean;
  /** Why: what the start-up check found. */
  reason: string;
  /** Hosts every agent reaches besides its model endpoint and the project's own list. */
  alwaysAllowed: string[];
}
