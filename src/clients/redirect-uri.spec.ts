import { redirectUriProblem } from './redirect-uri';

describe('redirectUriProblem', () => {
  it.each([
    'https://app.example.com/callback',
    'https://app.example.com:8443/cb?tenant=a',
    'http://127.0.0.1:51004/cb',
    'http://[::1]:8080/cb',
    'http://localhost/cb',
    'com.example.app:/oauth2redirect',
    'com.example.app://callback',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['https://app.example.com/cb#frag', /fragment/],
    ['https://app.example.com/cb#', /fragment/],
    ['/relative/callback', /absolute/],
    ['app.example.com/cb', /absolute/],
    ['', /absolute/],
    ['http://app.example.com/cb', /https/],
    ['http://127.0.0.2.example.com/cb', /https/],
    ['http://192.168.1.10/cb', /https/],
    ['javascript:alert(1)', /private-use/],
    ['data:text/html,hi', /private-use/],
    ['file:///etc/passwd', /private-use/],
    ['myapp:/cb', /private-use/],
    ['https://user:pass@app.example.com/cb', /credentials/],
    ['https://app.example.com/c b', /whitespace/],
  ])('refuses %s', (uri, reason) => {
    expect(redirectUriProblem(uri)).toMatch(reason);
  });
});
