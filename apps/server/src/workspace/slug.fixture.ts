// Hostile task titles shared by the slug tests (unit and real-git): shell
// metacharacters, quotes, control characters, unicode, RTL, huge, ref-breaking.
export const HOSTILE_TITLES: readonly string[] = [
  '; rm -rf / $(x) `y` | & > <',
  `it's "quoted" and 'single'`,
  'line one\nline two\r\nthree\ttab',
  'Café crème brûlée — naïve façade',
  'Émoji 🚀🔥 party 🎉',
  'עברית RTL \u202Eevil\u202C text',
  'x'.repeat(10_000),
  '../../etc/passwd..',
  'release.lock',
  'feature.lock.',
  '--force --delete',
  '-leading dash',
  '@{upstream}',
  'a~b^c:d?e*f[g]h\\i',
  '.hidden/./../.git',
  '',
  '   ',
  '🚀🚀🚀',
  '\u0000\u0001\u001f',
  'ǅemo ÀÉÎÕÜ ßtraße İstanbul',
];
