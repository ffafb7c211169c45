import { describe, expect, it } from 'vitest';
import { classifyHost } from './addresses';

const kind = (url: string) => classifyHost(new URL(url).hostname);

describe('classifyHost', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0.0.0.0/', 'loopback'],
    ['http://localhost:3000/', 'loopback'],
    ['http://api.localhost/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'private'],
    ['http://[fd00::1]/', 'private'],
    ['http://[::ffff:10.1.2.3]/', 'private'],
    ['http://router/', 'private'],
    ['http://nas.local/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[::ffff:169.254.169.254]/', 'link-local'],
    ['http://224.0.0.1/', 'reserved'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://[ff02::1]/', 'reserved'],
    ['http://localhost../', 'loopback'],
    ['http://127.0.0.1../', 'loopback'],
    ['http://[::ffff:0:127.0.0.1]/', 'loopback'],
    ['http://[2002:7f00:1::]/', 'loopback'],
    ['http://[2002:a9fe:a9fe::1]/', 'link-local'],
    ['http://[64:ff9b:1::a00:1]/', 'private'],
    ['http://[fec0::1]/', 'private'],
    ['http://[2001:db8::1]/', 'reserved'],
    ['https://example.com/', 'public'],
    ['https://example.com./', 'public'],
    ['http://172.32.0.1/', 'public'],
    ['http://8.8.8.8/', 'public'],
    ['http://[2606:4700::1111]/', 'public'],
    ['http://xn--bcher-kva.example/', 'public'],
  ])('%s is %s', (url, expected) => {
    expect(kind(url)).toBe(expected);
  });
});
