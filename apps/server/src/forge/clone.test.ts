// Clone helpers without a network: the accepted URL forms, git's progress
// lines read into phase and percent, and failures explained by their cause.
import { describe, expect, it } from 'vitest';
import { cloneFolderName, cloneUrlProblem } from '@bottega/protocol';
import { explainCloneFailure, parseCloneProgress } from './clone';

describe('clone URLs', () => {
  it('accepts https, http, ssh and git@host:path forms', () => {
    for (const url of [
      'https://github.com/acme/app.git',
      'http://git.internal:8080/team/app',
      'ssh://git@github.com/acme/app.git',
      'git@github.com:acme/app.git',
      'deploy@git.example.org:~/app.git',
    ]) {
      expect(cloneUrlProblem(url), url).toBeNull();
    }
  });

  it('refuses local paths, file://, transport helpers, options and embedded credentials', () => {
    for (const url of [
      'file:///srv/app',
      'ext::ssh -oProxyCommand=x',
      'fd::3',
      '-u',
      '/srv/app',
      'app',
      'https://u:p@github.com/a/b',
      'https://tok@github.com/a/b',
      'ssh://-oProxyCommand=x/a',
      'git@github.com:-x',
      'https://github.com/a b',
    ]) {
      expect(cloneUrlProblem(url), url).not.toBeNull();
    }
  });

  it('names the folder after the repository', () => {
    expect(cloneFolderName('https://github.com/acme/My_App.git')).toBe('my_app');
    expect(cloneFolderName('git@github.com:acme/widgets.git')).toBe('widgets');
    expect(cloneFolderName('https://example.com/acme/..git')).toBe('repository');
  });
});

describe('git clone --progress', () => {
  it('reads the latest phase and percent out of \\r-separated updates', () => {
    expect(parseCloneProgress("Cloning into 'app'...\n")).toBeNull();
    expect(parseCloneProgress('remote: Counting objects:  50% (2/4)\rremote: Counting objects: 100% (4/4), done.\n')).toEqual({
      phase: 'Counting objects',
      percent: 100,
    });
    expect(parseCloneProgress('Receiving objects:  12% (12/100), 1.00 MiB | 2.00 MiB/s\rReceiving objects:  47% (47/100)')).toEqual({
      phase: 'Receiving objects',
      percent: 47,
    });
    expect(parseCloneProgress('Resolving deltas:   3% (1/30)\r')).toEqual({ phase: 'Resolving deltas', percent: 3 });
  });

  it('explains failures by cause', () => {
    expect(explainCloneFailure("fatal: could not read Username for 'https://github.com': terminal prompts disabled\n", 128, null)).toMatch(
      /^authentication required/,
    );
    expect(
      explainCloneFailure('git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.', 128, null),
    ).toMatch(/^authentication required/);
    expect(
      explainCloneFailure("remote: Repository not found.\nfatal: repository 'https://github.com/a/b.git/' not found\n", 128, null),
    ).toMatch(/^repository not found/);
    expect(
      explainCloneFailure("fatal: unable to access 'https://nowhere.invalid/a.git/': Could not resolve host: nowhere.invalid\n", 128, null),
    ).toMatch(/^network error/);
    expect(explainCloneFailure('', null, 'SIGKILL')).toMatch(/too long/);
    expect(explainCloneFailure("Cloning into 'x'...\nfatal: something odd\n", 128, null)).toBe(
      'git clone failed (exit code 128): fatal: something odd',
    );
  });
});
