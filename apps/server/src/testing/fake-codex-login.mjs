// Stands in for `codex login --device-auth` in tests (the real OpenAI sign-in
// cannot be reached here): prints the verification URL and one-time code the
// way Codex does, then — by the mode in argv[2] — writes CODEX_HOME/auth.json
// and exits 0 ("approve"), fails ("deny"), or waits to be cancelled ("hang").
import fs from 'node:fs';
import path from 'node:path';
const mode = process.argv[2];
process.stdout.write('\x1b[1mWelcome to Codex\x1b[0m\r\n');
process.stdout.write('Follow these steps to sign in with ChatGPT using device code authorization:\r\n\r\n');
process.stdout.write(
  '1. Open this link in your browser and sign in to your account\r\n   \x1b[94mhttps://auth.openai.com/codex/device\x1b[0m\r\n\r\n',
);
process.stdout.write('2. Enter this one-time code \x1b[90m(expires in 15 minutes)\x1b[0m\r\n   \x1b[94mQ7RT-M2XK9\x1b[0m\r\n\r\n');
if (mode === 'approve') {
  setTimeout(() => {
    const auth = {
      OPENAI_API_KEY: null,
      tokens: { id_token: 'eyJ.fake.id', access_token: 'eyJ.fake.access', refresh_token: 'rt_fake', account_id: 'acc_1' },
      last_refresh: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(process.env.CODEX_HOME, 'auth.json'), JSON.stringify(auth), { mode: 0o600 });
    process.stdout.write('Successfully logged in\r\n');
    process.exit(0);
  }, 300);
} else if (mode === 'deny') {
  setTimeout(() => {
    process.stdout.write('Error logging in with device code: device code exchange failed: access denied\r\n');
    process.exit(1);
  }, 300);
} else {
  setInterval(() => {}, 1000);
}
