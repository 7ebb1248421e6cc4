import { isPermittedAddress } from './address-policy';

describe('isPermittedAddress', () => {
  it.each(['10.0.0.1', '169.254.169.254', '127.0.0.1', '127.0.0.2', '192.168.1.1', '172.16.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', 'not-an-address'])(
    'refuses %s',
    (address) => {
      expect(isPermittedAddress(address, false)).toBe(false);
    },
  );

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8'])('permits the public address %s', (address) => {
    expect(isPermittedAddress(address, false)).toBe(true);
  });

  it('permits loopback only with the development switch, and never the private ranges', () => {
    expect(isPermittedAddress('127.0.0.1', true)).toBe(true);
    expect(isPermittedAddress('::1', true)).toBe(true);
    expect(isPermittedAddress('10.0.0.1', true)).toBe(false);
    expect(isPermittedAddress('169.254.169.254', true)).toBe(false);
  });
});
