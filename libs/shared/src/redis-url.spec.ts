import { redisEndpoint } from './redis-url';

describe('redisEndpoint', () => {
  it('reads host, port, credentials and database from the URL', () => {
    expect(redisEndpoint('redis://cgi:p%40ss@cache.local:6380/3')).toEqual({
      host: 'cache.local', port: 6380, username: 'cgi', password: 'p@ss', db: 3, tls: undefined,
    });
  });

  it('defaults to port 6379 and database 0, and asks for TLS on rediss://', () => {
    expect(redisEndpoint('rediss://127.0.0.1')).toEqual({
      host: '127.0.0.1', port: 6379, username: undefined, password: undefined, db: 0, tls: {},
    });
  });
});
