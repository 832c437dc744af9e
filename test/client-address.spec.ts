import { clientAddress } from '../src/common/rate-limit/client-address';

describe('clientAddress (the client per-IP rate limits count)', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(clientAddress('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address, in either notation', () => {
    expect(clientAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddress('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(clientAddress('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one client', () => {
    const key = clientAddress('2001:db8:1:2:3:4:5:6');
    expect(key).toBe('2001:db8:1:2::/64');
    for (const other of ['2001:db8:1:2::9', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2::', '[2001:db8:1:2::1]', '2001:db8:1:2::1%eth0']) {
      expect(clientAddress(other)).toBe(key);
    }
  });

  it('tells neighbouring /64s and other address kinds apart', () => {
    expect(clientAddress('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientAddress('::1')).toBe('0:0:0:0::/64');
    expect(clientAddress('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
  });

  it('keeps what is not an address (no socket address known)', () => {
    expect(clientAddress('unknown')).toBe('unknown');
  });
});
