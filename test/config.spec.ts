import { ConfigError, loadConfig } from '../src/common/config/config';

describe('config (pure logic)', () => {
  it('applies defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.NODE_ENV).toBe('development');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.RATE_LIMIT_LOGIN_PER_MINUTE).toBe(10);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect([config.WS_MAX_SUBSCRIPTIONS_PER_SOCKET, config.WS_MAX_SOCKETS_PER_IP, config.WS_API_KEY_RECHECK_SECONDS]).toEqual([20, 50, 5]);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ RATE_LIMIT_SIGN_PER_MINUTE: '0' }, 'RATE_LIMIT_SIGN_PER_MINUTE'],
    [{ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '0' }, 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET'],
    [{ WS_MAX_SOCKETS_PER_IP: 'many' }, 'WS_MAX_SOCKETS_PER_IP'],
    [{ WS_API_KEY_RECHECK_SECONDS: '0' }, 'WS_API_KEY_RECHECK_SECONDS'],
    [{ WS_API_KEY_RECHECK_SECONDS: '3600' }, 'WS_API_KEY_RECHECK_SECONDS'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'SMTP_URL'],
    [{ SMTP_URL: 'http://mail.example.org' }, 'SMTP_URL'],
    [{ LINK_URL: 'https://example.org/links/{token}' }, 'LINK_URL'],
    [{ JOBS_ENABLED: 'sometimes' }, 'JOBS_ENABLED'],
  ])('refuses %o with one line naming %s', (env, setting) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(new RegExp(`^Invalid setting ${setting}: [^\\n]+$`));
    }
  });

  it('reads production settings', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      TRUST_PROXY: 'true',
      PORT: '8080',
      SMTP_URL: 'smtps://u:p@mail.example.org:465',
    });
    expect(config.isProduction).toBe(true);
    expect(config.SMTP_URL).toBe('smtps://u:p@mail.example.org:465');
    expect(config.JOBS_ENABLED).toBe(true);
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.PORT).toBe(8080);
  });
});
