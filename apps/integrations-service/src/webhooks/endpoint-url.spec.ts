import { DomainError } from '@throughline/service-kit/domain';
import { checkEndpointUrl } from './endpoint-url';

describe('webhook endpoint URLs', () => {
  it.each([
    ['https://hooks.example.com/throughline', true, 'https://hooks.example.com/throughline'],
    ['https://hooks.example.com/throughline', false, 'https://hooks.example.com/throughline'],
    ['http://127.0.0.1:8080/hook', false, 'http://127.0.0.1:8080/hook'],
    ['http://localhost:8080/hook', false, 'http://localhost:8080/hook'],
    ['http://[::1]:8080/hook', false, 'http://[::1]:8080/hook'],
    ['https://localhost/hook', false, 'https://localhost/hook'],
  ])('accepts %s (production: %s)', (raw, production, expected) => {
    expect(checkEndpointUrl(raw, { production })).toBe(expected);
  });

  it.each([
    ['http://127.0.0.1:8080/hook', true, /https:\/\/ in production/],
    ['http://hooks.example.com/hook', false, /only to loopback/],
    ['https://127.0.0.1/hook', true, /private or loopback/],
    ['https://10.1.2.3/hook', true, /private or loopback/],
    ['https://192.168.1.10/hook', true, /private or loopback/],
    ['https://[::ffff:169.254.169.254]/', true, /private or loopback/],
    ['https://100.100.100.200/', true, /private or loopback/],
    ['https://169.254.169.254/latest/meta-data', true, /private or loopback/],
    ['https://[fd00::1]/hook', true, /private or loopback/],
    ['https://0.0.0.0/hook', true, /private or loopback/],
    ['ftp://hooks.example.com/hook', false, /Unsupported scheme/],
    ['hooks.example.com/hook', false, /not an absolute URL/],
    ['https://user:pw@hooks.example.com/hook', false, /credentials/],
  ])('refuses %s (production: %s)', (raw, production, message) => {
    expect(() => checkEndpointUrl(raw, { production })).toThrow(DomainError);
    expect(() => checkEndpointUrl(raw, { production })).toThrow(message);
  });
});
