// Stands in for `claude setup-token` in route tests (the real OAuth endpoints
// cannot be reached here): prints a sign-in URL, reads a code, prints a token.
let input = '';
process.stdout.write('Visit https://claude.ai/oauth/authorize?code=true&state=test to sign in\r\n');
process.stdout.write('Paste code here if prompted > ');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  input += d;
  if (!/[\r\n]/.test(input)) return;
  if (input.trim() === 'good-code') {
    process.stdout.write('\r\nLong-lived token created:\r\nsk-ant-oat01-route-test-token-0123456789abcdefghijklmnop\r\n');
    setInterval(() => {}, 1000);
  } else {
    process.stdout.write('\r\nOAuth error: invalid code\r\nPress Enter to retry\r\n');
    input = '';
  }
});
