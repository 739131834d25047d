// Recognising git's smart-HTTP paths and splitting a CGI response into status,
// headers and body.
import { describe, expect, it } from 'vitest';
import { matchGitPath, parseCgiHead } from './git-http';

describe('matchGitPath', () => {
  it('matches the smart-HTTP service paths with or without .git', () => {
    expect(matchGitPath('/acme/widgets.git/info/refs')).toEqual({ owner: 'acme', repo: 'widgets', rest: 'info/refs' });
    expect(matchGitPath('/acme/widgets/git-upload-pack')).toEqual({ owner: 'acme', repo: 'widgets', rest: 'git-upload-pack' });
    expect(matchGitPath('/acme/widgets.git/git-receive-pack')?.rest).toBe('git-receive-pack');
  });

  it('leaves API and web paths alone', () => {
    expect(matchGitPath('/repos/acme/widgets')).toBeNull();
    expect(matchGitPath('/acme/widgets/pull/1')).toBeNull();
    expect(matchGitPath('/graphql')).toBeNull();
  });
});

describe('parseCgiHead', () => {
  it('waits for the blank line, then reads Status and headers', () => {
    expect(parseCgiHead(Buffer.from('Content-Type: text/plain\r\n'))).toBeNull();
    const head = parseCgiHead(Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope'));
    expect(head).toMatchObject({ status: 404, headers: [['Content-Type', 'text/plain']] });
    expect(head?.rest.toString()).toBe('nope');
  });

  it('defaults to 200 and accepts bare newlines', () => {
    const head = parseCgiHead(
      Buffer.from('Expires: Fri, 01 Jan 1980 00:00:00 GMT\nContent-Type: application/x-git-upload-pack-advertisement\n\n001e# service'),
    );
    expect(head?.status).toBe(200);
    expect(head?.headers).toHaveLength(2);
    expect(head?.rest.toString()).toBe('001e# service');
  });
});
